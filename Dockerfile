# Build stage: compiles TypeScript and the native addon (hnswlib-node) against the image's Node.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled code and production dependencies only, run by the image's unprivileged `node` user.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
# The code stays root's (read-only to the server); only DATA_DIR is the server's. Made before VOLUME
# (changes after it are discarded): a new named volume mounted here starts as a copy of this
# directory, owned by `node`. A volume made by an older image that ran as root is root's: chown it
# once (docs/OPERATIONS.md, Prometheus and Grafana with docker compose).
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 4000
# A larger young generation: a homepage allocates short-lived candidates, feature rows and rows (see README).
# Node runs as PID 1 and handles SIGTERM itself: a graceful stop (docs/OPERATIONS.md, Graceful shutdown).
CMD ["node", "--max-semi-space-size=64", "dist/src/server/main.js"]
