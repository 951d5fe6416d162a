# Stand-in for postgres:15-bookworm: Debian's PostgreSQL 15, with an entrypoint that does
# what the official image does for this project (POSTGRES_PASSWORD, data in
# /var/lib/postgresql/data, listening on every interface, password auth over TCP).
ARG DEBIAN_IMAGE=gatehouse-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN set -eu; apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null; \
    rm -rf /var/lib/apt/lists/*
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
