/**
 * `npm run fuzz [-- <count> [<first seed>] [--fast]]`: the fuzz test at scale (1,000 random specs from
 * seed 1 by default; --fast skips type-checking them). Prints the totals and every disagreement, and
 * exits 1 if there was one (the specs are then kept for a look).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fuzzOne, summarize, type FuzzResult } from "./fuzz.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const count = Number(args[0] ?? 1000);
const first = Number(args[1] ?? 1);
const typecheck = !process.argv.includes("--fast");
const project = mkdtempSync(path.join(tmpdir(), "raidspec-fuzz-"));
writeFileSync(path.join(project, "package.json"), '{ "name": "fuzz", "private": true, "type": "module" }\n');
const dsl = path.resolve("spec/dsl/index.ts");
const results: FuzzResult[] = [];
const started = performance.now();
let keep = false;
for (let seed = first; seed < first + count; seed++) {
  const r = await fuzzOne(seed, project, dsl, { typecheck });
  results.push(r);
  if (r.problem) {
    keep = true;
    console.error(`seed ${seed}: ${r.problem}`);
  }
  if ((seed - first + 1) % 50 === 0) console.error(`${seed - first + 1}/${count} specs, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
console.log(summarize(results));
console.log(`${((performance.now() - started) / 1000).toFixed(0)} s.${keep ? ` The specs are kept in ${project}.` : ""}`);
if (!keep) rmSync(project, { recursive: true, force: true });
process.exitCode = keep ? 1 : 0;
