# syntax=docker/dockerfile:1
# The app as a container: build with every dependency, run the standalone server
# alone, as the unprivileged `node` user. Configuration comes from the
# environment at run time (docker run -e …), never from the image.
#   docker build -t nextjs-oidc-login .
#   docker run -p 3000:3000 -e APP_BASE_URL=… -e SESSION_SECRET=… -e OIDC_ISSUER=… \
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
    PORT=3000
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
