/**
 * The language constructs, each on a small spec of its own under test/fixtures/language/: the spec
 * loads, its TLA+ parses, and the generated TLA+ and reference library mean the same (lockstep over
 * every reachable state, then the same state count on the native and embedded engines, and on TLC when
 * TLA2TOOLS_JAR names a tla2tools.jar). The expected counts are TLC's, from the real TLC.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareCounts } from "../conformance/counts.ts";
import { lockstep } from "../conformance/lockstep.ts";
import { loadReference } from "../engines/native/load-reference.ts";
import type { EngineName } from "../engines/result.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";
import { artefactsOf, writeArtefacts } from "../generator/write.ts";

const root = process.cwd();
const jar = process.env.TLA2TOOLS_JAR;
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "raidspec-language-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Loads a fixture and writes its artefacts (TLA+ syntax-checked on the way) into the scratch root. */
async function generate(name: string): Promise<LoadedSpec> {
  const arg = `test/fixtures/language/${name}`;
  const loaded = loadSpec(arg, { root });
  await writeArtefacts(scratch, await artefactsOf(loaded, arg));
  return loaded;
}

/** Lockstep over every reachable state, then every engine's state count. */
async function conforms(loaded: LoadedSpec, options: { config?: string; variant?: string | null; states: number; reachable?: number }): Promise<void> {
  const model = await loadReference(loaded.id, scratch);
  const ls = await lockstep(loaded, { config: options.config, variant: options.variant ?? null, model, root: scratch });
  if (!ls.ok) throw new Error(`lockstep divergence: ${JSON.stringify(ls.divergence).slice(0, 3000)}`);
  expect(ls.complete).toBe(true);
  if (options.reachable !== undefined) expect(ls.states).toBe(options.reachable);
  const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
  const counts = await compareCounts(loaded, { config: options.config, variant: options.variant ?? null, engines, tlcJar: jar, root: scratch });
  expect(counts.problems).toEqual([]);
  expect(counts.runs.map((r) => [r.engine, r.ran ? r.result.distinctStates : r.error])).toEqual(engines.map((e) => [e, options.states]));
}

describe("type-level gaps closed (record fields assigned, pc read in a step, empty setLit, pure helpers, constant records, locals read by invariants)", () => {
  it("type-checks, reads, and conforms: 41 states (TLC: 41)", async () => {
    const loaded = await generate("types");
    const other = loaded.spec.definitions.find((d) => d.name === "other");
    expect(other).toMatchObject({ pure: true, params: ["p"] });
    await conforms(loaded, { states: 41 });
  }, 120_000);
});

describe("sets compared as sets", () => {
  it("a set of records with a none field: the two sides order it differently, lockstep still agrees (TLC: 9)", async () => {
    await conforms(await generate("set-order"), { states: 9 });
  }, 120_000);
});
