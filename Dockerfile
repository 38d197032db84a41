# syntax=docker/dockerfile:1
# The app as a container: build with every dependency, run the standalone server
# alone, as the unprivileged `node` user, on files it can read but not change.
# Configuration comes from the environment at run time (docker run -e …), never from the image.
#   docker build -t nextjs-oidc-login .            (podman: podman build --format docker …, or HEALTHCHECK is dropped)
#   docker run -p 3000:3000 -v oidc-data:/app/.data -e APP_BASE_URL=… -e SESSION_SECRET=… -e OIDC_ISSUER=… \
#     -e OIDC_CLIENT_ID=… -e OIDC_CLIENT_SECRET=… nextjs-oidc-login

FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    SESSION_STORE_PATH=/app/.data/sessions.sqlite
# The app's files belong to root: the process that serves them cannot change them.
COPY --from=build /app/.next/standalone ./
# The one place it writes: the embedded session store (what ended must outlive a restart). Mount a volume here.
RUN mkdir -p /app/.data && chown node:node /app/.data && chmod 700 /app/.data
VOLUME ["/app/.data"]
USER node
EXPOSE 3000
# Liveness, not readiness: a provider that is down makes /api/health answer 503, and restarting this
# container would not bring it back. PORT as the container is started with (docker run -e PORT=8080).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
