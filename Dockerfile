# Capstan's worker and controller as one image (README, "Container image").
#   worker (default):  node dist/workers/main.js
#   controller:        node dist/client/controller/main.js
#   CLI:               node dist/client/cli/main.js
#   codec server:      node dist/client/codec-server/main.js
# Configured by the same environment variables as `npm start`'s processes: TEMPORAL_*, PROXMOX_*,
# KUBECONFIG (or the in-cluster ServiceAccount) and CAPSTAN_*.
#
# NODE_IMAGE is any Debian-based Node 20 image with npm. CI builds without Docker Hub on a stand-in
# (tools/build-image.sh: debootstrap plus the Node binary from the npm registry).
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

# Compile the TypeScript and bundle the workflow code once, here, not in every worker at start-up.
FROM ${NODE_IMAGE} AS build
# Only for `npm ci` behind a TLS-intercepting proxy: its CA bundle, mounted by tools/build-image.sh.
ARG NODE_EXTRA_CA_CERTS
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
# .dockerignore lets in only the production sources and the build's own files.
COPY . .
RUN npm run build

# Only what `dependencies` lists: no compiler, test runner or linter in the image.
FROM ${NODE_IMAGE} AS production-dependencies
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Temporal's native bridge ships for five platforms; the image keeps the one it runs on.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} +

FROM ${NODE_IMAGE}
# node:20-bookworm-slim purges ca-certificates, and the worker's Temporal connection (Rust core,
# rustls with the system's roots) then fails TLS to any server with NativeCertsNotFound.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && apt-get clean && rm -rf /var/lib/apt/lists/*
# A fixed numeric UID, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
RUN groupadd --gid 10001 capstan \
  && useradd --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin capstan
COPY --from=production-dependencies /app /app
COPY --from=build /src/dist /app/dist
WORKDIR /app
ENV NODE_ENV=production \
  NODE_OPTIONS=--enable-source-maps \
  CAPSTAN_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
LABEL org.opencontainers.image.title=capstan \
  org.opencontainers.image.description="Capstan: Talos clusters on Proxmox VE; the worker by default, the controller with node dist/client/controller/main.js"
USER 10001:10001
CMD ["node", "dist/workers/main.js"]
