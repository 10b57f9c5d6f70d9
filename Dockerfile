# pos-sandbox in a container: `docker build -t pos-sandbox .`, then
# `docker run -p 3000:3000 pos-sandbox` or, with flags, `docker run -p 3000:3000 pos-sandbox --dataset docs`.
# .ci/run carries out these same steps without a Docker engine (.ci/image-steps.mjs reads this file).

# Node 24, the active LTS line.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies before sources: a code change reuses this layer instead of reinstalling.
# (--ignore-scripts: "prepare" would build before the sources are here; the build step follows.)
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json esbuild.config.mjs ./
COPY src ./src
COPY seeds ./seeds
RUN npm run build

# What the bundle loads at run time: package.json's dependencies only (fastify and the rest are
# inside the bundle, so they are dev dependencies). No compiler, no sources, no tests.
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# 0.0.0.0 so the published port reaches the server; the URL file is what the health check reads,
# so it follows the port however it is set (-e POS_SANDBOX_PORT, --port, or 0 for a free one).
ENV NODE_ENV=production \
    POS_SANDBOX_HOST=0.0.0.0 \
    POS_SANDBOX_PORT=3000 \
    POS_SANDBOX_URL_FILE=/tmp/pos-sandbox.url
WORKDIR /app
COPY package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/pos-sandbox.js /app/dist/seed-worker.js /app/dist/healthcheck.js ./dist/
COPY openapi ./openapi
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["node", "dist/healthcheck.js"]
# Flags given to `docker run` replace CMD and reach the server; the entry point stays.
ENTRYPOINT ["node", "dist/pos-sandbox.js"]
CMD ["--dataset", "demo"]
