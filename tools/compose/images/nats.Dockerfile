# Stand-in for nats:2.10-alpine: Debian's nats-server (2.9) and wget (the healthcheck).
ARG DEBIAN_IMAGE=gatehouse-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN set -eu; apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server wget >/dev/null; \
    rm -rf /var/lib/apt/lists/*; ln -s /usr/sbin/nats-server /usr/local/bin/nats-server
