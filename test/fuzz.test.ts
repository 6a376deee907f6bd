/**
 * The fuzz test in CI: 50 random specs (seeds 1–50; `npm run fuzz` runs 1,000), each type-checked,
 * generated, checked on the native and the embedded engine and compared in lockstep. Any disagreement
 * fails the test with the seed and the spec's source (see test/fuzz/fuzz.ts for what is compared).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzOne, summarize, type FuzzResult } from "./fuzz/fuzz.ts";
import { generateSpec } from "./fuzz/generate-spec.ts";

const project = mkdtempSync(path.join(tmpdir(), "raidspec-fuzz-ci-"));
writeFileSync(path.join(project, "package.json"), '{ "name": "fuzz", "private": true, "type": "module" }\n');
const dsl = path.resolve("spec/dsl/index.ts");
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("fuzz: random specs agree on every engine", () => {
  it("the generator is deterministic: one seed, one spec", () => {
    expect(generateSpec(7, dsl).source).toBe(generateSpec(7, dsl).source);
    expect(generateSpec(7, dsl).source).not.toBe(generateSpec(8, dsl).source);
  });

  it("50 specs: same verdicts and state counts on native and embedded, same successors in lockstep", async () => {
    const results: FuzzResult[] = [];
    for (let seed = 1; seed <= 50; seed++) results.push(await fuzzOne(seed, project, dsl, { typecheck: true }));
    const problems = results.filter((r) => r.problem).map((r) => `seed ${r.seed}: ${r.problem}\n${readFileSync(r.file, "utf8")}`);
    expect(problems).toEqual([]);
    // The generator reaches the vocabulary (a spec that checks nothing would agree trivially).
    const checks = results.flatMap((r) => r.checks);
    expect(checks.filter((c) => c.native.kind === "ok").length).toBeGreaterThan(10);
    expect(checks.filter((c) => c.native.kind === "violation").length).toBeGreaterThan(10);
    const constructs = new Set(results.flatMap((r) => r.constructs));
    for (const c of ["either", "choose", "if/else", "goto", "when", "helper", "variant", "mapping", "forall", "count", "record", "optional", "acquire/release", "process locals"])
      expect(constructs, c).toContain(c);
    console.log(summarize(results));
  }, 240_000);
});
