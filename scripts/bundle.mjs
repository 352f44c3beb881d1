/**
 * Bundles the compiled CLI (dist/cli/main.js) and the sweep worker (dist/sweep/worker.js) into
 * dist/bundle/, which bin/scalesim.js runs: a few files instead of ~200 modules (the project's, zod's,
 * yaml's, commander's) cut Node's module loading, most of a short command's time. Code reached only
 * through `import()` keeps its own chunk, loaded when a command needs it (the report and chart stack
 * only when a report is written). dist/bundle/ is two folders deep like dist/cli/, so the `../../`
 * paths that modules resolve from `import.meta.url` (package.json, data/) and the sweep pool's
 * `worker.js` beside it resolve as they do in dist/. Packages with native code or files read at run
 * time (Vega's browser bundles, resvg) and the sweep's pool and progress bar stay external.
 *
 *   node scripts/bundle.mjs [--meta]   (after tsc; `npm run build` runs both)
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}dist/bundle`;
rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ["dist/cli/main.js", "dist/sweep/worker.js"],
  outdir: out,
  entryNames: "[name]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Less text to scan at load; names are kept, so stack traces still name the functions.
  minifyWhitespace: true,
  minifySyntax: true,
  external: ["vega", "vega-lite", "vega-embed", "@resvg/resvg-js", "piscina", "cli-progress"],
  // Bundled CommonJS packages (commander, yaml, cron-parser) call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  logLevel: "warning",
  metafile: process.argv.includes("--meta"),
});
if (result.metafile) console.log(JSON.stringify(result.metafile));
