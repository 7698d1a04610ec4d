# syntax=docker/dockerfile:1
# One build, two runtime images:
#   target "scheduler": Node only.
#   target "worker":    adds Java 17, Debian's PostgreSQL JDBC driver and a venv with pyspark, for
#                       Spark in local mode (on EMR the worker only submits and waits).
# Both run as the unprivileged "node" user and start the `pipeline` command.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
RUN npm ci --no-audit --no-fund \
 && NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && find packages -name '*.test.ts' -delete

FROM node:20-bookworm-slim AS scheduler
ENV NODE_ENV=production TZ=UTC
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/packages ./packages
COPY --chown=root:root pipelines ./pipelines
USER node
ENTRYPOINT ["node", "/app/packages/cli/bin/pipeline.js"]
CMD ["scheduler"]

FROM scheduler AS worker
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3 python3-venv libpostgresql-jdbc-java procps \
 && rm -rf /var/lib/apt/lists/*
COPY spark/requirements.txt /app/spark/requirements.txt
RUN python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir -r /app/spark/requirements.txt
COPY --chown=root:root spark /app/spark
RUN mkdir -p /data && chown node:node /data
USER node
CMD ["worker"]
