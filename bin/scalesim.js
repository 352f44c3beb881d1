#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` through the `prepare` script): the bundle in dist/bundle/
// (scripts/bundle.mjs), which loads faster, unless it is missing or older than dist/ (a `tsc` alone
// rebuilt dist/ without it); then dist/cli/main.js.
import { statSync } from "node:fs";

const mtime = (p) => statSync(new URL(p, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime("../dist/bundle/main.js") >= mtime("../dist/cli/main.js");
const { main } = await import(bundled ? "../dist/bundle/main.js" : "../dist/cli/main.js");

await main(process.argv);
