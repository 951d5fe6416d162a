# The smallest base that runs the services: node, the C libraries it links, the user
# `node` (uid 1000), /tmp; no shell, no package manager, no CA bundle (the services
# make no outbound TLS call). Made from the local Node.js image.
ARG NODE_IMAGE=gatehouse-local/node:20-bookworm
FROM ${NODE_IMAGE} AS collect
RUN set -eu; mkdir -p /rootfs/usr/local/bin /rootfs/etc /rootfs/tmp /rootfs/home/node; \
    cp /usr/local/bin/node /rootfs/usr/local/bin/node; \
    for lib in $(ldd /usr/local/bin/node | awk '$2 == "=>" {print $3} $1 ~ /^\// {print $1}'); do cp --parents -L "$lib" /rootfs; done; \
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000:node:/home/node:/usr/sbin/nologin\n' > /rootfs/etc/passwd; \
    printf 'root:x:0:\nnode:x:1000:\n' > /rootfs/etc/group; \
    printf 'hosts: files dns\n' > /rootfs/etc/nsswitch.conf; \
    chmod 1777 /rootfs/tmp; chown 1000:1000 /rootfs/home/node
FROM scratch
COPY --from=collect /rootfs/ /
ENV PATH=/usr/local/bin
