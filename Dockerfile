# Gatehouse services: one Dockerfile, one image per service.
#
#   docker build --target auth     -t gatehouse-auth .
#   docker build --target identity -t gatehouse-identity .
#   docker build --target policy   -t gatehouse-policy .
#   docker build --target gateway  -t gatehouse-gateway .
#   docker build --target portal   -t gatehouse-portal .
#
# docker-compose.yml builds the same targets; see it for the variables each service needs.
#
# How the service is selected: one build target per app (`FROM runtime AS auth`),
# rather than `ARG APP` + `CMD sh -c "node ... dist/apps/${APP}/src/main.js"`, because
#   - CMD stays in exec form: node itself receives SIGTERM and drains (a `sh -c`
#     wrapper would receive it instead and, without `exec`, not pass it on);
#   - a misspelt service fails the build (unknown target), not the container at start;
#   - each target states its own port (EXPOSE) and listen-address default;
#   - the stages above the targets are shared: building every target costs one
#     `npm ci` and one `tsc`, and the images share all their layers but the last.
# `ENV APP` still names the service inside each image (`docker inspect`, shells).
#
# Builds with BuildKit and with the classic builder (docker-compose 1.29's
# default): no `RUN --mount`, no `COPY --link`, no `# syntax` directive needed.
# No secret is baked in: the key-encryption key and the TLS key come at run time.

# ---- the base images: build arguments, so a machine that cannot pull the official
# node image builds on its own (tools/compose/images makes Debian-based ones for CI):
#   NODE_IMAGE     builds (npm ci, tsc): Node.js 20 with npm and a shell;
#   RUNTIME_IMAGE  runs the service: anything with `node` on the PATH and a user `node`.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=node:20-bookworm-slim

# ---- base: the one place the build image is named (pin a digest here) ------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app

# ---- build: every dependency, TypeScript compiled to dist/ --------------------
FROM base AS build
COPY package.json package-lock.json ./
# --ignore-scripts: the compiler needs no install script (only dev tools have one: nx, @swc/core, @parcel/watcher).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY tools ./tools
RUN npm run build && rm -f dist/.tsbuildinfo

# ---- prod-deps: production dependencies only (none has an install script) ------
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- app-files: what every service image holds, modes fixed here (the runtime
# image may have no shell to run chmod): production dependencies, the shared libraries'
# compiled code, the path resolver and the healthcheck. Each target adds its own app.
# Started as `node -r ./tools/runtime/register-paths.js dist/apps/<app>/src/main.js`
# from /app: register-paths.js reads tsconfig.base.json and resolves the
# @gatehouse/* aliases into dist/libs with tsconfig-paths (a production dependency).
# Files stay owned by root: the service user can read its code, not rewrite it.
FROM base AS app-files
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY package.json tsconfig.base.json nx.json ./
COPY tools/runtime/register-paths.js ./tools/runtime/register-paths.js
# `node deploy/healthcheck.js <url>`: the healthcheck of every service (no curl in slim images).
COPY deploy/healthcheck.js ./deploy/healthcheck.js
# COPY keeps the modes of the checkout: under a umask of 077 these would be 0600, unreadable by `node`.
# Source maps and type declarations are not run: dropped.
RUN find node_modules dist \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -type f -delete \
 && chmod -R a+rX,go-w /app

# ---- runtime: what every service needs to run ---------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=app-files /app ./
USER node
STOPSIGNAL SIGTERM

# ---- audit: the audit trail (stored from JetStream; API over NATS; HTTP serves health only) --
FROM runtime AS audit
ENV APP=audit \
    AUDIT_HTTP_HOST=0.0.0.0
EXPOSE 8084
COPY --from=build /app/dist/apps/audit ./dist/apps/audit
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "deploy/healthcheck.js", "http://127.0.0.1:8084/health/ready"]
CMD ["node", "-r", "./tools/runtime/register-paths.js", "dist/apps/audit/src/main.js"]

# ---- auth: tokens, keys, projects (API over NATS; HTTP serves health only) -----
FROM runtime AS auth
ENV APP=auth \
    AUTH_HTTP_HOST=0.0.0.0
EXPOSE 8081
COPY --from=build /app/dist/apps/auth ./dist/apps/auth
# The operator CLI (`node dist/tools/cli/src/main.js`), run in an auth container.
COPY --from=build /app/dist/tools/cli ./dist/tools/cli
# The CLI's first import registers the @gatehouse/* paths (tools/runtime/src/register-aliases.ts).
COPY --from=build /app/dist/tools/runtime ./dist/tools/runtime
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "deploy/healthcheck.js", "http://127.0.0.1:8081/health/ready"]
CMD ["node", "-r", "./tools/runtime/register-paths.js", "dist/apps/auth/src/main.js"]

# ---- gateway: the public HTTPS API ------------------------------------------
FROM runtime AS gateway
ENV APP=gateway \
    GATEWAY_HOST=0.0.0.0
EXPOSE 8443
COPY --from=build /app/dist/apps/gateway ./dist/apps/gateway
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "deploy/healthcheck.js", "https://127.0.0.1:8443/health/ready"]
CMD ["node", "-r", "./tools/runtime/register-paths.js", "dist/apps/gateway/src/main.js"]

# ---- portal: the Partner Portal (HTTPS pages for partners' members; NATS out) ----
FROM runtime AS portal
ENV APP=portal \
    PORTAL_HOST=0.0.0.0
EXPOSE 8444
COPY --from=build /app/dist/apps/portal ./dist/apps/portal
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "deploy/healthcheck.js", "https://127.0.0.1:8444/health/ready"]
CMD ["node", "-r", "./tools/runtime/register-paths.js", "dist/apps/portal/src/main.js"]

# ---- identity: entities, users, roles (API over NATS; HTTP serves health only) --
FROM runtime AS identity
ENV APP=identity \
    IDENTITY_HTTP_HOST=0.0.0.0
EXPOSE 8082
COPY --from=build /app/dist/apps/identity ./dist/apps/identity
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "deploy/healthcheck.js", "http://127.0.0.1:8082/health/ready"]
CMD ["node", "-r", "./tools/runtime/register-paths.js", "dist/apps/identity/src/main.js"]

# ---- policy: access decisions (API over NATS; HTTP serves health only) ----------
FROM runtime AS policy
ENV APP=policy \
    POLICY_HTTP_HOST=0.0.0.0
EXPOSE 8083
COPY --from=build /app/dist/apps/policy ./dist/apps/policy
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "deploy/healthcheck.js", "http://127.0.0.1:8083/health/ready"]
CMD ["node", "-r", "./tools/runtime/register-paths.js", "dist/apps/policy/src/main.js"]

# ---- no --target: the last stage is what a plain `docker build .` produces -------
# Rather than silently build one of the services, it builds an image that says what to do.
FROM runtime AS no-target
CMD ["node", "-e", "console.error('Built without --target: rebuild with --target audit, --target auth, --target identity, --target policy or --target gateway (see the Dockerfile).'); process.exit(64)"]
