#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { main } from "../dist/cli/main.js";

await main(process.argv);
