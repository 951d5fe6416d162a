# Stand-in for haproxy:2.6 (Debian-based, runs as `haproxy`): Debian's HAProxy 2.6.
ARG DEBIAN_IMAGE=gatehouse-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN set -eu; apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null; \
    rm -rf /var/lib/apt/lists/*; mkdir -p /usr/local/etc/haproxy
USER haproxy
CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
