import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareCounts } from "../conformance/counts.ts";
import { lockstep } from "../conformance/lockstep.ts";
import { replayCounterexample } from "../conformance/replay.ts";
import { formatConformance, runConformance } from "../conformance/run.ts";
import { referenceFromText, referenceOf } from "../engines/native/load-reference.ts";
import { findTlcJar } from "../engines/tlc/find-jar.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";
import type { Spec, Stmt } from "../generator/ir.ts";
import { renderReference } from "../generator/typescript/reference.ts";

const root = process.cwd();
const PETERSON = "spec/examples/peterson";
const COUNTER = "spec/examples/counter";

// Type-checking a spec costs seconds; each is loaded once for the whole file.
const specs = new Map<string, LoadedSpec>();
const load = (arg: string): LoadedSpec => {
  let loaded = specs.get(arg);
  if (!loaded) {
    loaded = loadSpec(arg, { root });
    specs.set(arg, loaded);
  }
  return loaded;
};

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "raidspec-conformance-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The spec with every top-level assignment to `variable` removed from one base step. */
function withoutAssignment(spec: Spec, label: string, variable: string): Spec {
  let removed = 0;
  const keep = (s: Stmt) => {
    const drop = s.kind === "assign" && s.target.name === variable;
    if (drop) removed += 1;
    return !drop;
  };
  const mutated: Spec = {
    ...spec,
    processes: spec.processes.map((p) => ({
      ...p,
      steps: p.steps.map((s) => (s.label === label ? { ...s, body: s.body.filter(keep) } : s)),
    })),
  };
  if (removed === 0) throw new Error(`step ${label} assigns no ${variable}: the mutation would test nothing`);
  return mutated;
}

describe("lockstep: same successors in every reachable state", () => {
  it.each([
    [PETERSON, null, 26],
    [PETERSON, "noTurn", 16],
    [COUNTER, null, 879],
    [COUNTER, "noLock", 2598],
  ])("%s (%s)", async (arg, variant, reachable) => {
    const r = await lockstep(load(arg), { variant, root });
    if (!r.ok) throw new Error(`unexpected divergence: ${JSON.stringify(r.divergence).slice(0, 2000)}`);
    expect(r.complete).toBe(true);
    expect(r.states).toBe(reachable);
    expect(r.exploreNextCalls).toBe(reachable);
  }, 60_000);

  it("stops after maxStates and says it did not see everything", async () => {
    const progress: number[] = [];
    const r = await lockstep(load(COUNTER), { variant: null, maxStates: 50, root, onProgress: (p) => progress.push(p.compared) });
    expect(r).toMatchObject({ ok: true, states: 50, complete: false });
    expect(progress.at(-1)).toBe(50);
  }, 30_000);

  it("raid5 two_disk, bounded to 300 states", async () => {
    const r = await lockstep(load("spec/raid5"), { config: "two_disk", variant: null, maxStates: 300, root });
    if (!r.ok) throw new Error(`unexpected divergence: ${JSON.stringify(r.divergence).slice(0, 2000)}`);
    expect(r.states).toBe(300);
    expect(r.complete).toBe(false);
  }, 60_000);
});

describe("lockstep finds a step the two artefacts disagree on", () => {
  it("TLA+ from a mutated IR (setFlag without flag[self] = TRUE), the reference library of the unmutated IR", async () => {
    const loaded = load(PETERSON);
    const mutated = { ...loaded, spec: withoutAssignment(loaded.spec, "setFlag", "flag") };
    const r = await lockstep(mutated, { variant: null, root, model: await referenceOf(loaded.spec) });
    expect(r.ok).toBe(false);
    if (r.ok || r.divergence.kind !== "successors") throw new Error(`expected a successor divergence, got ${JSON.stringify(r)}`);
    const d = r.divergence;
    expect(d.steps).toEqual(["setFlag"]);
    // The very first state already differs: both processes can take setFlag there.
    expect(d.path.map((s) => s.step)).toEqual(["Init"]);
    expect(d.onlyInReference.map((t) => [t.step, t.self])).toEqual([
      ["setFlag", 0],
      ["setFlag", 1],
    ]);
    expect(d.onlyInReference.every((t) => Object.values(t.state.flag as Record<string, boolean>).some((f) => f))).toBe(true);
    expect(d.onlyInTla.map((t) => t.action)).toEqual(["setFlag", "setFlag"]);
    expect(d.onlyInTla.every((t) => Object.values(t.state.flag as Record<string, boolean>).every((f) => !f))).toBe(true);
  }, 30_000);

  it("a reference library from a mutated IR (write without the x update), TLA+ from the correct IR", async () => {
    const loaded = load(COUNTER);
    const model = await referenceFromText(renderReference(withoutAssignment(loaded.spec, "write", "x")));
    const r = await lockstep(loaded, { variant: null, model, root });
    if (r.ok || r.divergence.kind !== "successors") throw new Error(`expected a successor divergence, got ${JSON.stringify(r)}`);
    const d = r.divergence;
    expect(d.steps).toEqual(["write"]);
    expect(d.onlyInReference.length).toBeGreaterThan(0);
    expect(d.onlyInReference.every((t) => t.step === "write" && t.state.x === d.state.x)).toBe(true);
    expect(d.onlyInTla.every((t) => t.action === "write" && t.state.x !== d.state.x)).toBe(true);
    // The path is a shortest one, replayable: enter, read, then the write that differs.
    expect(d.path.map((s) => s.step)).toEqual(["Init", "enter", "read"]);
    expect(d.path.at(-1)?.state).toEqual(d.state);
  }, 30_000);
});

describe("lockstep finds an invariant the two artefacts evaluate differently", () => {
  it("TLA+ from an IR whose MutualExclusion reads the flags instead of pc, the reference library of the unmutated IR", async () => {
    const loaded = load(PETERSON);
    const spec: Spec = {
      ...loaded.spec,
      invariants: loaded.spec.invariants.map((inv) =>
        inv.name === "MutualExclusion"
          ? {
              ...inv,
              body: {
                kind: "not",
                arg: {
                  kind: "binary",
                  op: "and",
                  left: { kind: "index", base: { kind: "var", name: "flag" }, index: { kind: "int", value: 0 } },
                  right: { kind: "index", base: { kind: "var", name: "flag" }, index: { kind: "int", value: 1 } },
                },
              },
            }
          : inv,
      ),
    };
    const r = await lockstep({ ...loaded, spec }, { model: await referenceOf(loaded.spec), variant: null, root });
    if (r.ok || r.divergence.kind !== "invariant") throw new Error(`expected an invariant divergence, got ${JSON.stringify(r).slice(0, 300)}`);
    expect(r.divergence.invariant).toBe("MutualExclusion");
    // Both flags up, neither process in cs: the reference says it holds, the mutated TLA+ says it does not.
    expect(r.divergence).toMatchObject({ reference: true, tla: false });
    expect(r.divergence.state.flag).toEqual({ "0": true, "1": true });
  }, 60_000);
});

describe("replay: TLA+ counterexamples break the same invariant on the reference library", () => {
  it.each([
    [PETERSON, "noTurn", "MutualExclusion", 4],
    [COUNTER, "noLock", "NoLostUpdate", 6],
  ])("%s (%s): %s", async (arg, variant, invariant, steps) => {
    const r = await replayCounterexample(load(arg), { variant, invariant, root });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, outcome: "replayed", engine: "embedded", invariant, traceLength: steps });
  }, 60_000);

  it("reports no counterexample where the invariant holds", async () => {
    const r = await replayCounterexample(load(PETERSON), { variant: null, invariant: "MutualExclusion", root });
    expect(r).toMatchObject({ ok: true, outcome: "no-counterexample" });
  }, 30_000);
});

describe("counts: the embedded and native engines agree", () => {
  it.each([
    [PETERSON, 26],
    [COUNTER, 879],
  ])("%s, default configuration", async (arg, states) => {
    const r = await compareCounts(load(arg), { variant: null, engines: ["embedded", "native"], root });
    expect(r.problems).toEqual([]);
    expect(r.compared).toBe("states");
    expect(r.runs.map((x) => (x.ran ? x.result.distinctStates : x.error))).toEqual([states, states]);
  }, 60_000);

  it("compares the violation, not the counts, when an invariant fails", async () => {
    const r = await compareCounts(load(COUNTER), { variant: "noLock", engines: ["embedded", "native"], root });
    expect(r).toMatchObject({ ok: true, compared: "violation", problems: [] });
  }, 60_000);
});

describe("runConformance", () => {
  it("agrees on every variant of Peterson and says so", async () => {
    const report = await runConformance(load(PETERSON), { root, specArg: PETERSON });
    expect(report.ok).toBe(true);
    // The counterexample of each TLA+ engine is replayed: tla-checker's, and TLC's when a jar is found.
    const engines = (await findTlcJar()) ? 2 : 1;
    expect(report.variants.map((v) => [v.label, v.lockstep.complete, v.replays.length])).toEqual([
      ["base", true, 0],
      ["noTurn", true, engines],
    ]);
    const text = formatConformance(report);
    expect(text).toContain("noTurn: agree");
    expect(text).toMatch(/^OK: the TLA\+ module and the reference library agree/m);
  }, 60_000);

  it("shows the divergence of a mutated IR", async () => {
    const loaded = load(PETERSON);
    const mutated = { ...loaded, spec: withoutAssignment(loaded.spec, "setFlag", "flag") };
    const report = await runConformance(mutated, { root, specArg: PETERSON, variants: ["base"], model: await referenceOf(loaded.spec) });
    expect(report.ok).toBe(false);
    const text = formatConformance(report);
    expect(text).toContain("lockstep: DIVERGENCE");
    expect(text).toContain("steps involved: setFlag");
    expect(text).toMatch(/proc 0: setFlag → flag\[0\]: false → true; pc\[0\]: setFlag → giveTurn/);
  }, 60_000);
});
