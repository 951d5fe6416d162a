#!/usr/bin/env bash
# Run by tools/compose/run.sh against the stack it brought up (RUN_DIR, NETNS, DOCKER,
# DOCKER_HOST set): the smoke scenario through the load balancer, a revocation and a
# key rotation felt by each gateway, one killed container of each service under load,
# one project's rate budget held across both gateways behind the balancer, the brake
# seeing each client's own address through it (PROXY protocol), the Partner Portal
# (sign-in, a crash, sign out everywhere), bad settings failing fast, the secret scan
# and the image sizes. Appends its figures
# to $RUN_DIR/report; exits non-zero on the first failed check of a part.
set -euo pipefail
C=(docker-compose --env-file "$RUN_DIR/env" -f docker-compose.yml -f tools/compose/compose.ci.yml)
set -a; . "$RUN_DIR/env"; set +a
LB=https://127.0.0.1:8443
VERSION='x-monite-version: 2024-05-25'
FAILED=0
in_ns() { nsenter --net="/var/run/netns/$NETNS" "$@"; }
row() { printf "$@" >> "$RUN_DIR/report"; printf '\n' >> "$RUN_DIR/report"; }
bad() { printf 'compose: FAIL: %s\n' "$*" >&2; FAILED=1; }
ok() { printf 'compose: ok: %s\n' "$*"; }
now_ms() { date +%s%3N; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v===undefined)process.exit(1);console.log(v)})' "$1"; }
# call URL [curl args…]: the body in $RUN_DIR/body, the status printed (000 = no answer).
call() { in_ns curl -sk --max-time 10 -o "$RUN_DIR/body" -w '%{http_code}' "$@" || true; }
expect() { # status what url [curl args…]
  local want=$1 what=$2; shift 2
  local got; got=$(call "$@")
  if [ "$got" = "$want" ]; then ok "$what: $got"; else bad "$what: expected $want, got $got: $(head -c 300 "$RUN_DIR/body")"; return 1; fi
}
cli() { "${C[@]}" exec -T --index=1 -e NATS_USER=cli -e NATS_PASSWORD="$NATS_CLI_PASSWORD" auth node dist/tools/cli/src/main.js "$@"; }
containers() { $DOCKER ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" --filter "label=com.docker.compose.service=$1" | sort; }
ip_of() { $DOCKER inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
token_of() { json access_token < "$RUN_DIR/body"; }
kid_of() { node -e 'console.log(JSON.parse(Buffer.from(process.argv[1].split(".")[0],"base64url")).kid)' "$1"; }

smoke() {
  echo '== smoke: through the load balancer'
  cli project create --name compose-smoke --json > "$RUN_DIR/project.json"
  CLIENT_ID=$(json client_id < "$RUN_DIR/project.json"); CLIENT_SECRET=$(json client_secret < "$RUN_DIR/project.json")
  # Nothing below means anything without a pair (and the secret scan would match everything).
  if [ -z "$CLIENT_ID" ] || [ -z "$CLIENT_SECRET" ]; then echo "compose: FAIL: the CLI printed no client id and secret" >&2; exit 1; fi
  ok "project created with the CLI in an auth container"
  CREDS="\"client_id\":\"$CLIENT_ID\",\"client_secret\":\"$CLIENT_SECRET\""
  expect 200 'partner token' "$LB/v1/auth/token" -H "$VERSION" -H 'content-type: application/json' \
    -d "{\"grant_type\":\"client_credentials\",$CREDS}"
  TOKEN=$(token_of)
  P=(-H "$VERSION" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json')
  # The fault rounds below drive this one project far past Monite's default 30 requests/s:
  # the partner raises its own budget (our api_rate_limit extension), as a real one would.
  expect 200 'rate limit raised for the load' "$LB/v1/settings" "${P[@]}" -X PATCH -d '{"api_rate_limit":100000}'
  expect 201 'entity' "$LB/v1/entities" "${P[@]}" -d '{"type":"organization","email":"a@acme.example","address":{"country":"DE","city":"Berlin","postal_code":"10115","line1":"Unter den Linden 1"},"organization":{"legal_name":"Acme GmbH"}}'
  ENTITY=$(json id < "$RUN_DIR/body")
  expect 200 'role' "$LB/v1/roles" "${P[@]}" -H "x-monite-entity-id: $ENTITY" \
    -d '{"name":"Read users","permissions":{"objects":[{"object_type":"entity_user","actions":[{"action_name":"read","permission":"allowed"}]}]}}'
  ROLE=$(json id < "$RUN_DIR/body")
  expect 200 'entity user' "$LB/v1/entity_users" "${P[@]}" -H "x-monite-entity-id: $ENTITY" \
    -d "{\"login\":\"casey\",\"first_name\":\"Casey\",\"role_id\":\"$ROLE\"}"
  USER_ID=$(json id < "$RUN_DIR/body")
  expect 200 'entity-user token' "$LB/v1/auth/token" -H "$VERSION" -H 'content-type: application/json' \
    -d "{\"grant_type\":\"entity_user\",$CREDS,\"entity_user_id\":\"$USER_ID\"}"
  USER_TOKEN=$(token_of)
  U=(-H "$VERSION" -H "authorization: Bearer $USER_TOKEN")
  expect 200 'entity user reads itself' "$LB/v1/entity_users/me" "${U[@]}"
  expect 403 'RBAC denial (roles not allowed by the role)' "$LB/v1/roles" "${U[@]}"

  echo '== smoke: a revocation, felt at once by each gateway (reached directly)'
  GATEWAYS=($(containers gateway))
  [ ${#GATEWAYS[@]} = 2 ] || { bad "expected 2 gateways, found ${#GATEWAYS[@]}"; return 1; }
  for g in "${GATEWAYS[@]}"; do expect 200 "gateway $(ip_of "$g") accepts the partner token" "https://$(ip_of "$g"):8443/v1/settings" "${P[@]}"; done
  expect 200 'revoke the partner token' "$LB/v1/auth/revoke" -H 'content-type: application/json' -d "{$CREDS,\"token\":\"$TOKEN\"}"
  for g in "${GATEWAYS[@]}"; do expect 401 "gateway $(ip_of "$g") refuses it at once" "https://$(ip_of "$g"):8443/v1/settings" "${P[@]}"; done

  echo '== smoke: key rotation'
  OLD_KID=$(kid_of "$USER_TOKEN")
  cli keys rotate --json > /dev/null
  ok 'keys rotated with the CLI'
  expect 200 'a new partner token' "$LB/v1/auth/token" -H "$VERSION" -H 'content-type: application/json' \
    -d "{\"grant_type\":\"client_credentials\",$CREDS}"
  TOKEN=$(token_of)
  P=(-H "$VERSION" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json')
  NEW_KID=$(kid_of "$TOKEN")
  [ "$NEW_KID" != "$OLD_KID" ] && ok "signed with the new key ($NEW_KID)" || bad "still signed with the old key $OLD_KID"
  for g in "${GATEWAYS[@]}"; do
    expect 200 "gateway $(ip_of "$g") accepts the new key" "https://$(ip_of "$g"):8443/v1/settings" "${P[@]}"
    expect 200 "gateway $(ip_of "$g") still accepts the old key" "https://$(ip_of "$g"):8443/v1/entity_users/me" "${U[@]}"
  done
}

# ---- faults -----------------------------------------------------------------------------
worker() { # n stopfile
  local n=$1 i=0 st t
  while [ ! -e "$2" ]; do
    i=$((i + 1)); t=$(now_ms)
    case $((i % 3)) in
      0) st=$(call "$LB/v1/auth/token" -H "$VERSION" -H 'content-type: application/json' -d "{\"grant_type\":\"client_credentials\",$CREDS}"); echo "$t token $st" ;;
      1) st=$(call "$LB/v1/entity_users/me" "${U[@]}"); echo "$t me $st" ;;
      2) st=$(in_ns curl -sk --max-time 10 -o "$RUN_DIR/w$n.body" -w '%{http_code}' "$LB/v1/entity_users" "${P[@]}" -H "x-monite-entity-id: $ENTITY" \
           -d "{\"login\":\"w$n-$t-$i\",\"first_name\":\"Load\",\"role_id\":\"$ROLE\"}" || true)
         echo "$t write $st"
         [ "$st" = 200 ] && json id < "$RUN_DIR/w$n.body" >> "$RUN_DIR/acked" ;;
    esac
  done >> "$RUN_DIR/load.$n"
}
health() { $DOCKER inspect -f '{{.State.Running}} {{if .State.Health}}{{.State.Health.Status}}{{end}} {{.RestartCount}}' "$1"; }

fault() { # service
  local svc=$1 victim before t_kill t_back stop=$RUN_DIR/stop
  victim=$(containers "$svc" | head -n1)
  before=$($DOCKER inspect -f '{{.RestartCount}}' "$victim")
  rm -f "$stop" "$RUN_DIR"/load.*
  for n in 1 2 3 4; do worker "$n" "$stop" & done
  sleep 3
  t_kill=$(now_ms)
  # A crash, as the daemon sees one: SIGKILL to the container's init from the host.
  # (`docker kill` would mark the container stopped by hand, which cancels its restart
  # policy: moby's daemon/kill.go, ExitOnNext and HasBeenManuallyStopped.)
  kill -KILL "$($DOCKER inspect -f '{{.State.Pid}}' "$victim")"
  t_back=""
  for _ in $(seq 1 240); do
    read -r running status count <<<"$(health "$victim")"
    if [ "$running" = true ] && [ "$status" = healthy ] && [ "$count" -gt "$before" ]; then t_back=$(now_ms); break; fi
    sleep 0.25
  done
  sleep 3
  touch "$stop"; wait
  local recovery='never'
  [ -n "$t_back" ] && recovery=$(( (t_back - t_kill) ))
  cat "$RUN_DIR"/load.* > "$RUN_DIR/fault.$svc"
  local total s2 s503 s5xx serr late
  total=$(wc -l < "$RUN_DIR/fault.$svc")
  s2=$(awk '$3 ~ /^2/' "$RUN_DIR/fault.$svc" | wc -l)
  s503=$(awk '$3 == 503' "$RUN_DIR/fault.$svc" | wc -l)
  s5xx=$(awk '$3 ~ /^5/ && $3 != 503' "$RUN_DIR/fault.$svc" | wc -l)
  serr=$(awk '$3 == "000"' "$RUN_DIR/fault.$svc" | wc -l)
  other=$(awk '$3 !~ /^2/ && $3 !~ /^5/ && $3 != "000"' "$RUN_DIR/fault.$svc" | wc -l)
  # A 503 or no answer counts as the fault's only if the request started while it lasted.
  late=$(awk -v a="$t_kill" -v b="${t_back:-0}" '($3 == 503 || $3 == "000") && ($1 < a - 2000 || $1 > b + 2000)' "$RUN_DIR/fault.$svc" | wc -l)
  row '%-10s %9s ms %6d %6d %6d %6d %6d %6d' "$svc" "$recovery" "$total" "$s2" "$s503" "$serr" "$s5xx" "$other"
  [ -n "$t_back" ] || bad "$svc: the killed container did not come back healthy within 60 s"
  [ "$s5xx" = 0 ] || bad "$svc: $s5xx answers 5xx other than 503"
  [ "$other" = 0 ] || bad "$svc: $other unexpected answers: $(awk '$3 !~ /^2/ && $3 !~ /^5/ && $3 != "000"' "$RUN_DIR/fault.$svc" | head -n3 | tr '\n' ' ')"
  [ "$late" = 0 ] || bad "$svc: $late failures outside the fault"
  [ "$svc" = gateway ] || [ "$serr" = 0 ] || bad "$svc: $serr requests got no answer"
  ok "$svc: killed, back healthy after $recovery ms; $total requests, $s2 2xx, $s503 503, $serr cut"
}

faults() {
  echo '== faults: one container of each service killed under load (4 clients)'
  : > "$RUN_DIR/acked"
  row '%-10s %12s %6s %6s %6s %6s %6s %6s' 'killed' 'recovery' 'reqs' '2xx' '503' 'cut' '5xx' 'other'
  for svc in auth identity policy gateway; do fault "$svc"; done
  # Rejoined: every replica of each NATS service subscribed in its queue group again.
  local nats_ip; nats_ip=$(ip_of "$(containers nats)")
  in_ns curl -s "http://$nats_ip:8222/subsz?subs=1&limit=10000" > "$RUN_DIR/subsz.json"
  for svc in auth identity policy; do
    local n
    n=$(node -e 'const j=require(process.argv[1]);const c=new Set((j.subscriptions_list||[]).filter(s=>s.qgroup===process.argv[2]).map(s=>s.cid));console.log(c.size)' "$RUN_DIR/subsz.json" "$svc")
    [ "$n" = 2 ] && ok "$svc: 2 connections in queue group $svc" || bad "$svc: $n connections in queue group $svc (expected 2)"
  done
  local acked lost=0 id
  acked=$(wc -l < "$RUN_DIR/acked")
  while read -r id; do
    [ "$(call "$LB/v1/entity_users/$id" "${P[@]}" -H "x-monite-entity-id: $ENTITY")" = 200 ] || lost=$((lost + 1))
  done < "$RUN_DIR/acked"
  row 'acknowledged writes: %d, read back: %d, lost: %d' "$acked" $((acked - lost)) "$lost"
  [ "$lost" = 0 ] && ok "every acknowledged write read back ($acked)" || bad "$lost acknowledged writes lost"
}

# ---- one rate budget behind the load balancer -------------------------------------------------
rate_limit() {
  echo '== rate limit: one budget across both gateways, behind the load balancer'
  local limit=40 seconds=5 out admitted total other
  expect 200 "the project's rate limit set to $limit/s" "$LB/v1/settings" "${P[@]}" -X PATCH -d "{\"api_rate_limit\":$limit}" || return 1
  # Both gateways answer with the new limit before the clock starts (settings reach every instance).
  for g in "${GATEWAYS[@]}"; do
    in_ns curl -sk --max-time 10 -o /dev/null -D "$RUN_DIR/headers" "https://$(ip_of "$g"):8443/v1/settings" "${P[@]}" || true
    grep -qi "^ratelimit-limit: $limit" "$RUN_DIR/headers" && ok "gateway $(ip_of "$g") enforces $limit/s" || bad "gateway $(ip_of "$g") does not show the new limit"
  done
  out=$(in_ns node tools/compose/rate-limit-probe.mjs "$LB/v1/settings" "$TOKEN" "$seconds" 8)
  admitted=$(json admitted <<<"$out"); total=$(json total <<<"$out")
  other=$(node -e 'const s=JSON.parse(process.argv[1]).statuses;console.log(Object.entries(s).filter(([k])=>k!=="200"&&k!=="429").map(([k,v])=>k+":"+v).join(" "))' "$out")
  row 'rate limit %d/s behind the balancer, %d s, 8 connections: %d requests, %d admitted (%.2f of the budget)' \
    "$limit" "$seconds" "$total" "$admitted" "$(node -e "console.log($admitted/($limit*$seconds))")"
  [ -z "$other" ] || bad "rate limit: answers other than 200/429: $other"
  [ "$total" -gt $((limit * seconds * 3 / 2)) ] || bad "rate limit: the load ($total requests) did not exceed the budget"
  if [ "$admitted" -ge $((limit * seconds * 9 / 10)) ] && [ "$admitted" -le $((limit * seconds * 11 / 10)) ]; then
    ok "rate limit: $admitted admitted in $seconds s at $limit/s (within 10%)"
  else
    bad "rate limit: $admitted admitted in $seconds s at $limit/s (outside 10%)"
  fi
}

# ---- the brake sees clients, not the balancer (PROXY protocol) -------------------------------
brake() {
  echo '== brake behind the load balancer: each client its own address (PROXY protocol)'
  local pair id secret n=0 st
  pair=$(cli project create --name compose-brake --json)
  id=$(json client_id <<<"$pair"); secret=$(json client_secret <<<"$pair")
  # A guesser on this host spends the client id's budget from its own address (10 by default)…
  for _ in $(seq 1 12); do
    st=$(call "$LB/v1/auth/token" -H "$VERSION" -H 'content-type: application/json' -d "{\"grant_type\":\"client_credentials\",\"client_id\":\"$id\",\"client_secret\":\"wrong\"}")
    [ "$st" = 429 ] && n=$((n + 1))
  done
  [ "$n" -gt 0 ] && ok "the guesser is braked ($n of 12 refused with 429)" || bad 'the guesser was never braked'
  # …and the owner, from another address (an auth container), still gets its token through the balancer.
  st=$("${C[@]}" exec -T --index=1 auth node -e '
    const https = require("https");
    const body = JSON.stringify({ grant_type: "client_credentials", client_id: process.argv[1], client_secret: process.argv[2] });
    const req = https.request("https://gateway-lb:8443/v1/auth/token", { method: "POST", rejectUnauthorized: false,
      headers: { "content-type": "application/json", "x-monite-version": "2024-05-25" } }, (res) => { res.resume(); console.log(res.statusCode); });
    req.on("error", () => console.log("000")); req.end(body);' "$id" "$secret" | tr -d '\r')
  row 'brake behind the balancer: guesser refused %d of 12; the owner from another address: %s' "$n" "$st"
  [ "$st" = 200 ] && ok 'the owner, elsewhere, is not locked out by the guesser' || bad "the owner got $st through the balancer (the brake lumps clients together)"
}

# ---- bad settings fail fast -----------------------------------------------------------------
fails_fast() { # what pattern service -e VAR=value…
  local what=$1 pattern=$2 svc=$3; shift 3
  local name=gatehouse-ci-badenv-$RANDOM out rc
  timeout 60 "${C[@]}" run --no-deps -T --name "$name" "$@" "$svc" >/dev/null 2>&1 || true
  # What the service itself printed (not compose's own lines).
  out=$($DOCKER logs "$name" 2>&1); rc=$($DOCKER inspect -f '{{.State.ExitCode}}' "$name" 2>/dev/null || echo none)
  $DOCKER rm -f "$name" >/dev/null 2>&1 || true
  local lines; lines=$(printf '%s\n' "$out" | grep -c . || true)
  row 'bad setting: %-28s exit %s, %d line(s): %s' "$what" "$rc" "$lines" "$(printf '%s' "$out" | tr '\n' ' ' | cut -c1-110)"
  if [ "$rc" = 0 ] || [ "$rc" = none ]; then bad "$what: exit $rc"; return; fi
  printf '%s\n' "$out" | grep -qE '^\s+at ' && { bad "$what: a stack trace"; return; }
  printf '%s\n' "$out" | grep -qE "$pattern" || { bad "$what: no line names the problem ($pattern)"; return; }
  ok "$what: exit $rc, $lines line(s), no stack trace"
}
bad_env() {
  echo '== bad settings'
  fails_fast 'auth, wrong NATS password' 'Authorization Violation|NATS_PASSWORD' auth -e NATS_PASSWORD=pwrong
  fails_fast 'gateway, wrong NATS password' 'Authorization Violation|NATS_PASSWORD' gateway -e NATS_PASSWORD=pwrong
  fails_fast 'auth, missing KEK' 'AUTH_KEY_ENCRYPTION_KEY' auth -e AUTH_KEY_ENCRYPTION_KEY=
}

# ---- the Partner Portal -----------------------------------------------------------------------
PORTAL=https://127.0.0.1:8444
# The value of the form's hidden CSRF field in the last answer.
csrf_of() { grep -o 'name="_csrf" value="[^"]*"' "$RUN_DIR/body" | head -n1 | sed 's/.*value="//; s/"$//'; }
portal() {
  echo '== portal: an owner signs in and sees the project; the portal killed, the session survives; sign out everywhere'
  local jar=$RUN_DIR/portal.cookies email=owner@compose.example partner pw victim before t_kill t_back=""
  cli partners create --name 'Compose Ltd' --json > "$RUN_DIR/partner.json" || { bad 'partners create (CLI)'; return 1; }
  partner=$(json partner_id < "$RUN_DIR/partner.json")
  cli members create --partner "$partner" --email "$email" --json > "$RUN_DIR/member.json" || { bad 'members create (CLI)'; return 1; }
  pw=$(json password < "$RUN_DIR/member.json")
  printf '%s\n' "$pw" > "$RUN_DIR/portal.secret"
  cli project assign --project "$(json project_id < "$RUN_DIR/project.json")" --partner "$partner" --json > /dev/null || { bad 'project assign (CLI)'; return 1; }
  expect 200 'portal: the sign-in page' "$PORTAL/login" -c "$jar" -b "$jar" || return 1
  expect 403 'portal: a sign-in posted from another site' "$PORTAL/login" -c "$jar" -b "$jar" -H 'origin: https://evil.example' \
    --data-urlencode "email=$email" --data-urlencode "password=$pw" --data-urlencode "_csrf=$(csrf_of)" || return 1
  expect 200 'portal: the sign-in page again' "$PORTAL/login" -c "$jar" -b "$jar" || return 1
  expect 303 'portal: the owner signs in' "$PORTAL/login" -c "$jar" -b "$jar" \
    --data-urlencode "email=$email" --data-urlencode "password=$pw" --data-urlencode "_csrf=$(csrf_of)" || return 1
  expect 200 'portal: the projects page' "$PORTAL/projects" -b "$jar" || return 1
  grep -q 'compose-smoke' "$RUN_DIR/body" && ok 'portal: the owner sees the project the CLI assigned' || bad 'portal: the assigned project is not listed'
  local form_csrf; form_csrf=$(csrf_of)
  # A crash of the portal's container: back healthy, and the session, kept by auth, still good.
  victim=$(containers portal | head -n1)
  before=$($DOCKER inspect -f '{{.RestartCount}}' "$victim")
  t_kill=$(now_ms)
  kill -KILL "$($DOCKER inspect -f '{{.State.Pid}}' "$victim")"
  for _ in $(seq 1 240); do
    read -r running status count <<<"$(health "$victim")"
    if [ "$running" = true ] && [ "$status" = healthy ] && [ "$count" -gt "$before" ]; then t_back=$(now_ms); break; fi
    sleep 0.25
  done
  [ -n "$t_back" ] || { bad 'portal: the killed container did not come back healthy within 60 s'; return 1; }
  row '%-10s %12s' 'portal' "$((t_back - t_kill)) ms"
  ok "portal: killed, back healthy after $((t_back - t_kill)) ms"
  expect 200 'portal: the session after the restart' "$PORTAL/projects" -b "$jar" || return 1
  # Its CSRF key is the compose file's (PORTAL_CSRF_KEY), not one per process: a form served before the crash still posts.
  expect 303 'portal: sign out everywhere, from a page served before the crash' "$PORTAL/account/logout-all" -b "$jar" -c "$jar.after" --data-urlencode "_csrf=$form_csrf" || return 1
  expect 303 'portal: the old cookie replayed after signing out is sent to sign in' "$PORTAL/projects" -b "$jar" || return 1
  grep -qi 'location: /login' <(in_ns curl -sk --max-time 10 -D - -o /dev/null -b "$jar" "$PORTAL/projects") && ok 'portal: to /login' || bad 'portal: the replayed cookie was not sent to /login'
}

# ---- images ---------------------------------------------------------------------------------
images() {
  echo '== images: sizes and the secret scan'
  grep -E '^(AUTH_KEY_ENCRYPTION_KEY|NATS_\w+_PASSWORD|POSTGRES_PASSWORD)=' "$RUN_DIR/env" | cut -d= -f2- > "$RUN_DIR/secrets"
  printf '%s\n' "$CLIENT_SECRET" >> "$RUN_DIR/secrets"
  # The portal owner's password (printed once by the CLI) and the portal's CSRF key.
  [ -s "$RUN_DIR/portal.secret" ] && cat "$RUN_DIR/portal.secret" >> "$RUN_DIR/secrets"
  grep -E '^PORTAL_CSRF_KEY=' "$RUN_DIR/env" | cut -d= -f2- >> "$RUN_DIR/secrets"
  local img size hits
  # The scan can hit: a running auth container's configuration holds the KEK.
  hits=$($DOCKER inspect "$(containers auth | head -n1)" | grep -a -c -F -f "$RUN_DIR/secrets" || true)
  [ "$hits" -gt 0 ] || bad 'the secret scan finds nothing even where a secret is (auth container config)'
  for svc in audit auth identity policy gateway portal; do
    img=gatehouse-ci/$svc
    size=$($DOCKER image inspect -f '{{.Size}}' "$img")
    row 'image %-22s %5d MB' "$img" $((size / 1000000))
    [ "$size" -le 200000000 ] || bad "$img: $((size / 1000000)) MB, over 200 MB"
    hits=$( { $DOCKER save "$img"; $DOCKER history --no-trunc "$img"; $DOCKER image inspect "$img"; } | grep -a -c -F -f "$RUN_DIR/secrets" || true)
    [ "$hits" = 0 ] && ok "$img: no secret of this run in its layers, history or config" || bad "$img: $hits secret hits"
    [ "$($DOCKER image inspect -f '{{.Config.User}}' "$img")" = node ] || bad "$img: not run as node"
    [ -n "$($DOCKER image inspect -f '{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}}{{end}}' "$img")" ] || bad "$img: no healthcheck"
    # No shell, no package manager: node and the service only.
    $DOCKER run --rm --network none --read-only --entrypoint node "$img" -e 0 >/dev/null 2>&1 || bad "$img: node does not run in it"
    for f in /bin/sh /usr/bin/apt-get /usr/local/bin/npm; do
      $DOCKER run --rm --network none --entrypoint "$f" "$img" -c true >/dev/null 2>&1 && bad "$img: has $f"
    done
    local ro; ro=$($DOCKER inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}' $(containers "$svc"))
    [ "$(echo "$ro" | sort -u)" = 'true node' ] || bad "$svc containers: read-only root and user node expected, got: $ro"
  done
  for img in gatehouse-local/postgres:15 gatehouse-local/nats:2.9 gatehouse-local/haproxy:2.6; do
    row 'image %-22s %5d MB' "$img" $(( $($DOCKER image inspect -f '{{.Size}}' "$img") / 1000000 ))
  done
}

smoke || FAILED=1
[ "$FAILED" = 0 ] && { faults || FAILED=1; }
[ "$FAILED" = 0 ] && { rate_limit || FAILED=1; }
[ "$FAILED" = 0 ] && { brake || FAILED=1; }
[ "$FAILED" = 0 ] && { portal || FAILED=1; }
bad_env || FAILED=1
images || FAILED=1
exit $FAILED
