# The same steps .ci/run proves: npm ci (which builds dist/ through "prepare"), then start.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json esbuild.config.mjs ./
COPY src ./src
COPY seeds ./seeds
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    POS_SANDBOX_HOST=0.0.0.0 \
    POS_SANDBOX_PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY openapi ./openapi
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.POS_SANDBOX_PORT}/__admin/health`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs once dist/ is built (its prestart rebuild needs the dev dependencies).
CMD ["node", "dist/pos-sandbox.js"]
