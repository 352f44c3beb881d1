// Prints vitest's JSON result as the line CI reads: "N passed, N failed" (and skipped when any).
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-result.json";
let r;
try {
  r = JSON.parse(readFileSync(file, "utf8"));
} catch (e) {
  console.log("0 passed, 1 failed");
  console.error(`no test result in ${file}: ${e.message}`);
  process.exit(1);
}
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(r.numFailedTests === 0 && r.numTotalTests > 0 && r.success !== false ? 0 : 1);
