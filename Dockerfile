# syntax=docker/dockerfile:1
# Trading post: build on Node LTS with the native toolchain, run without it.

# ---- build: compile TypeScript and the better-sqlite3 native module ----
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY drizzle ./drizzle
RUN npm run build && npm prune --omit=dev

# ---- run: only what the bot needs, as an unprivileged user ----
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_PATH=/data/trade.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# Healthy when the database answers and a bot process reports its platform connections up.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "dist/src/cli/healthcheck.js"]
# Migrations are applied when the bot opens the database. `docker stop` sends SIGTERM and kills
# 10 s later; the bot stops taking updates, finishes what is in flight and exits 0, or exits 1
# after SHUTDOWN_TIMEOUT_SECONDS (8) saying what was left.
# There is no src/ here: operator commands run the compiled code, as the README shows, e.g.
#   docker exec trading-post node dist/src/cli/backup.js /data/backups/trade-2026-11-21.db
#   docker exec trading-post node dist/src/cli/audit.js
CMD ["node", "dist/src/main.js"]
