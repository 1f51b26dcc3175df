# syntax=docker/dockerfile:1
# Multi-stage image of the product. One image, four targets (see infra/docker-compose.yml):
#   feature-worker  task queue feature-engineering     ml-worker  task queue ml
#   registrar       npm run schedules:apply (one-shot)   migrate    npm run migrate (one-shot)
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Production dependencies only: tsx (the TypeScript runtime) is one of them.
RUN npm ci --omit=dev --no-audit --no-fund

FROM deps AS build
COPY . .
# The prebuilt workflow bundle: production workers load it instead of bundling at start-up.
RUN npx tsx workers/build-bundle.ts

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    LOG_FORMAT=json
WORKDIR /app
# Production node_modules, the sources (run by tsx) and the prebuilt bundle; .dockerignore keeps tests and data out.
COPY --from=build --chown=node:node /app ./
USER node
# SIGTERM goes to node itself (no npm or shell in between), so the worker drains.
ENTRYPOINT ["node", "--import", "tsx"]

FROM runtime AS feature-worker
EXPOSE 9464
CMD ["workers/feature.ts"]

FROM runtime AS ml-worker
EXPOSE 9464
CMD ["workers/ml.ts"]

FROM runtime AS registrar
CMD ["schedules/apply.ts"]

FROM runtime AS migrate
CMD ["cli/migrate.ts"]
