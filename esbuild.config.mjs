// Bundles the compiled server (dist/src) with its dependencies into one file, dist/pos-sandbox.js.
// One file loads in about two thirds of the time of ~200 separate modules, which is what keeps the
// sandbox's cold start within the bench's target. Packages that find files beside their own code
// (Swagger UI's assets), that load only on demand (faker, and Valomnia's image libraries) or that
// are native (sharp) stay outside and load from node_modules.
import { build } from 'esbuild';

// The seed worker (dist/seed-worker.js) is bundled the same way; the CLI starts it beside itself.
// So is the package entry (dist/index.js, `import { startSandbox } from 'pos-sandbox'`), whose
// declarations tsc writes to dist/types. The health check (dist/healthcheck.js) the Docker image
// runs every few seconds stands alone, so it loads none of the server.
await build({
  entryPoints: {
    'pos-sandbox': 'dist/src/cli.js',
    'seed-worker': 'dist/src/seed-worker.js',
    index: 'dist/src/index.js',
    healthcheck: 'dist/src/healthcheck.js',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [
    '@fastify/swagger',
    '@fastify/swagger-ui',
    '@faker-js/faker',
    'fast-xml-parser',
    'saxes',
    'sharp',
    'bmp-ts',
  ],
  // Bundled CommonJS code calls require(); give the ES module one.
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  // Whitespace only (names and statements stay as written, so stack traces still name every
  // function): 2.2 MB became 1.5 MB, and loading the bundle went from 120 to 110 ms.
  minifyWhitespace: true,
  logLevel: 'warning',
});
