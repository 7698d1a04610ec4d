# syntax=docker/dockerfile:1
# One build, two runtime images:
#   target "scheduler": Node only.
#   target "worker":    adds Java 17, Debian's PostgreSQL JDBC driver and a venv with pyspark, for
#                       Spark in local mode (on EMR the worker only submits and waits).
# Both run as the unprivileged "node" user and start the `pipeline` command.
# Node 24, the maintained LTS line (Node 20 left support in April 2026, and AWS SDK releases from
# 2027 need 22 or later). Bookworm, for the Python 3.11 and Java 17 that the Spark jobs run on.

FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
# The npm that wrote package-lock.json, whatever the base image bundles: an older npm can reject
# the lock file as out of sync.
RUN npm install --global --no-audit --no-fund npm@11.19.1
# @pipeline/testing is only a dev dependency of the other packages, but `npm prune` keeps every
# workspace: it is removed by hand, and with it the embedded PostgreSQL binaries it brings.
RUN npm ci --no-audit --no-fund \
 && NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t build --output-style=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && find packages -name '*.test.ts' -delete \
 && rm -rf packages/testing node_modules/@pipeline/testing

FROM node:24-bookworm-slim AS scheduler
ENV NODE_ENV=production TZ=UTC
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/packages ./packages
COPY --chown=root:root pipelines ./pipelines
# The scheduler (and `pipeline trigger`) resolves each load's transform, e.g.
# spark/transforms/users.py, when it creates a run, and the run records that absolute path for the
# worker: both images need spark/ at the same place.
COPY --chown=root:root spark ./spark
# Node sizes its young generation from the memory the container may use: in the scheduler task's
# 512 MiB the semi-space stays at 1–2 MiB, and a tick that creates thousands of runs spends
# about 40% of its time in GC, promoting objects that die a moment later. 16 MiB keeps them young
# (a few tens of MB more at peak; npm run bench -- queue measures the scheduler with this setting).
ENV NODE_OPTIONS=--max-semi-space-size=16
# The scheduler and the worker serve /metrics and /healthz on this port, on loopback unless
# PIPELINE_METRICS_HOST says otherwise; the health check asks /healthz without loading the project.
ENV PIPELINE_METRICS_PORT=9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/packages/cli/bin/healthcheck.js"]
USER node
ENTRYPOINT ["node", "/app/packages/cli/bin/pipeline.js"]
CMD ["scheduler"]

# Java and the venv come before the application, so a code change rebuilds neither.
FROM node:24-bookworm-slim AS worker
ENV NODE_ENV=production TZ=UTC
WORKDIR /app
# The slim Debian base has no /usr/share/man/man1, where openjdk's post-install script links the
# java man page: without the folder the install fails.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3 python3-venv libpostgresql-jdbc-java procps tini \
 && rm -rf /var/lib/apt/lists/*
COPY spark/requirements.txt /app/spark/requirements.txt
RUN python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir -r /app/spark/requirements.txt
COPY --from=scheduler /app /app
RUN mkdir -p /data && chown node:node /data
ENV PIPELINE_METRICS_PORT=9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/packages/cli/bin/healthcheck.js"]
USER node
# tini as PID 1 passes SIGTERM on to the worker and reaps orphans: processes that spark-submit's
# shell wrappers leave behind are re-parented to PID 1, and node never waits for them, so without
# an init they stay as zombies for the life of the container.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/packages/cli/bin/pipeline.js"]
CMD ["worker"]
