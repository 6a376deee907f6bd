import { describe, expect, it } from "vitest";
import { packedAgainstTla, packedLockstep } from "../conformance/packed-lockstep.ts";
import type { ReferenceModel } from "../engines/model.ts";
import { exploreNative } from "../engines/native/explore.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { runNative } from "../engines/native/native.ts";
import { FingerprintTable, ViaList } from "../engines/native/fingerprint.ts";
import { explorePacked } from "../engines/native/packed-explore.ts";
import { explorePackedParallel } from "../engines/native/packed-parallel.ts";
import { simulate } from "../engines/native/simulate.ts";
import { EngineError, type Json } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";
import type { Value } from "../generator/ir.ts";
import { compilePacked } from "../generator/packed/compile.ts";
const root = process.cwd();

/** A spec and its reference library (generated from the spec now). */
async function specAndModel(specArg: string): Promise<{ loaded: LoadedSpec; model: ReferenceModel<unknown> }> {
  const loaded = loadSpec(specArg, { root });
  return { loaded, model: await referenceOf(loaded.spec) };
}

const program = (loaded: LoadedSpec, config: string, variant: string | null) =>
  compilePacked(loaded.spec, variant, constantValues(loaded.spec, config) as Record<string, Value>);

/** The readable explorer's trace as the compiled explorer writes it (states as JSON). */
const readableTrace = (model: ReferenceModel<unknown>, trace: ReturnType<typeof exploreNative>["trace"], constants: Record<string, Json>) =>
  trace?.map((t) => ({ step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: model.toJson(t.state, constants) }));

const targets: [string, string, (string | null)[]][] = [
  ["spec/examples/peterson", "default", [null, "noTurn"]],
  ["spec/examples/counter", "default", [null, "noLock"]],
  // md/raid5's writer steps call macros: the compiled form compiles them inlined.
  ["spec/raid5", "two_disk", [null, "d0852df", "cd5fc653"]],
  ["spec/raid5", "small", [null, "d0852df"]],
  ["test/fixtures/packed/sets", "default", [null]],
  ["test/fixtures/packed/features", "two", [null]],
  ["test/fixtures/language/macros", "default", [null]],
];

describe("compiled form: lockstep with the readable reference library", () => {
  for (const [spec, config, variants] of targets)
    for (const variant of variants)
      it(`${spec} ${config} ${variant ?? "base"}: same successors (in order, with step, process and params), invariants and packing in every reachable state`, async () => {
        const { loaded, model } = await specAndModel(spec);
        const r = await packedLockstep(loaded, { config, variant, model });
        expect(r.divergence).toBeUndefined();
        expect(r.ok && r.complete).toBe(true);
        expect(r.states).toBeGreaterThan(10);
      });

  it("catches a compiled form that differs from the reference library", async () => {
    const { loaded, model } = await specAndModel("spec/examples/peterson");
    const p = program(loaded, "default", null);
    // Peterson's giveTurn sets turn := 1 - self; the mutant gives the turn to itself.
    const mutant = { ...p, source: p.source.replace("const v_ = (1 - self); if (S[2] !== v_)", "const v_ = self; if (S[2] !== v_)") };
    expect(mutant.source).not.toBe(p.source);
    const r = await packedLockstep(loaded, { config: "default", variant: null, model, program: mutant });
    expect(r.ok).toBe(false);
    expect(r.divergence?.kind).toBe("successors");
  });
});

describe("compiled form: lockstep with tla-checker", () => {
  for (const [spec, config, variants, maxStates] of [
    ["spec/examples/peterson", "default", [null, "noTurn"], undefined],
    ["spec/examples/counter", "default", [null, "noLock"], undefined],
    // The readable library is checked against tla-checker on all of two_disk (conformance-raid5.test.ts).
    ["spec/raid5", "two_disk", [null, "d0852df"], 120],
    ["test/fixtures/packed/features", "one", [null], undefined],
  ] as const)
    for (const variant of variants)
      it(`${spec} ${config} ${variant ?? "base"}${maxStates ? ` (first ${maxStates} states)` : ""}`, async () => {
        const loaded = loadSpec(spec, { root });
        const r = await packedAgainstTla(loaded, { config, variant, maxStates, root });
        expect(r.ok ? null : r.divergence).toBeNull();
        expect(r.complete).toBe(maxStates === undefined);
      });
});

describe("compiled explorer: same counts, verdicts and counterexamples as the readable explorer", () => {
  for (const [spec, config, variants] of targets)
    for (const variant of variants)
      it(`${spec} ${config} ${variant ?? "base"}: every invariant, as the report checks them`, async () => {
        const { loaded, model } = await specAndModel(spec);
        const p = program(loaded, config, variant);
        const constants = constantValues(loaded.spec, config);
        let remaining = ["TypeOK", ...loaded.spec.invariants.map((i) => i.name)];
        while (remaining.length > 0) {
          const mine = explorePacked(p, { invariants: remaining });
          const theirs = exploreNative(model, { constants, variant, invariants: remaining });
          expect([mine.verdict, mine.invariant, mine.distinctStates]).toEqual([theirs.verdict, theirs.invariant, theirs.distinctStates]);
          expect(mine.trace).toEqual(readableTrace(model, theirs.trace, constants));
          if (mine.verdict === "ok") {
            expect(mine.generated).toBe(theirs.generated);
            expect(mine.depth).toBe(theirs.depth);
          }
          remaining = mine.verdict === "violation" ? remaining.filter((i) => i !== mine.invariant) : [];
        }
      });

  it("an integer leaving its range is TypeOK's violation, at the same state count and trace as the readable explorer", async () => {
    const { loaded, model } = await specAndModel("test/fixtures/packed/range");
    const mine = explorePacked(program(loaded, "default", null));
    const theirs = exploreNative(model, { constants: {}, variant: null });
    expect([mine.verdict, mine.invariant, mine.distinctStates]).toEqual(["violation", "TypeOK", 5]);
    expect([theirs.verdict, theirs.invariant, theirs.distinctStates]).toEqual(["violation", "TypeOK", 5]);
    expect(mine.trace).toEqual(readableTrace(model, theirs.trace, {}));
    expect(mine.trace?.at(-1)?.state.x).toBe(4);
  });

  it("stops with a located crash where the value cannot be held (contract 1), never a verdict", async () => {
    const range = loadSpec("test/fixtures/packed/range", { root });
    const e1 = (() => {
      try {
        explorePacked(program(range, "default", null), { invariants: ["Small"] });
      } catch (e) {
        return e;
      }
    })();
    expect(e1).toBeInstanceOf(EngineError);
    expect((e1 as EngineError).kind).toBe("crash");
    expect((e1 as EngineError).message).toMatch(/^test\/fixtures\/packed\/range\/spec\.ts:16:9: step inc \(process p 1\): x would be 4, outside its range 0\.\.3/);
    const index = loadSpec("test/fixtures/packed/index", { root });
    expect(() => explorePacked(program(index, "default", null))).toThrow(/^test\/fixtures\/packed\/index\/spec\.ts:15:9: step step \(process p 1\): m is indexed at 3, outside its domain 0\.\.2$/);
  });

  it("falls back to the readable explorer, and says why, for what the compiled form does not lay out", async () => {
    const { loaded, model } = await specAndModel("test/fixtures/packed/fallback");
    const r = await runNative({ spec: loaded.spec, variant: null, constants: {}, invariants: ["TypeOK", "Small"], model: async () => model });
    expect(r.explorer.kind).toBe("reference");
    expect(r.explorer.kind === "reference" && r.explorer.reason).toMatch(/log: a set of compound values/);
    expect(r.verdict).toBe("ok");
    expect(r.distinctStates).toBe(exploreNative(model, { constants: {}, variant: null }).distinctStates);
  });
});

describe("compiled explorer with worker threads: the same search for any number of workers", () => {
  it("counts, verdicts, counterexamples and state limits", async () => {
    const cases: [string, string, string | null, string[] | undefined, number | undefined][] = [
      ["spec/examples/counter", "default", "noLock", undefined, undefined],
      ["spec/raid5", "small", null, undefined, undefined],
      ["spec/raid5", "small", "d0852df", ["TypeOK"], undefined],
      ["spec/raid5", "small", "d0852df", undefined, 3000],
      ["test/fixtures/packed/range", "default", null, undefined, undefined],
      // Contract 1's crashes, from a worker thread: the same message.
      ["test/fixtures/packed/range", "default", null, ["Small"], undefined],
      ["test/fixtures/packed/index", "default", null, undefined, undefined],
    ];
    for (const [spec, config, variant, invariants, maxStates] of cases) {
      const loaded = loadSpec(spec, { root });
      const p = program(loaded, config, variant);
      const outcome = async (f: () => unknown) => {
        try {
          const r = (await f()) as { verdict: string; generated: number; durationMs: number; workers: number; peakBytes: number };
          // Transitions computed before a violation depend on how the level was split; the rest may not.
          return { ...r, durationMs: 0, workers: 0, peakBytes: 0, generated: r.verdict === "ok" ? r.generated : 0 };
        } catch (e) {
          return e instanceof EngineError ? `${e.kind}: ${e.message}` : e;
        }
      };
      const sequential = await outcome(() => explorePacked(p, { invariants, maxStates }));
      // Every level through the workers (the default keeps small levels on the main thread).
      const parallel = await outcome(() => explorePackedParallel(p, { invariants, maxStates }, 2, { smallLevel: 1, wait: true }));
      expect(parallel).toEqual(sequential);
      // A table too small for a level: it grows within the level, between rounds.
      const growing = await outcome(() => explorePackedParallel(p, { invariants, maxStates }, 2, { smallLevel: 1, wait: true, slots: 1 << 8 }));
      expect(growing).toEqual(sequential);
      // A worker's record buffer too small for its run: this thread expands the rest; and the split at its extremes.
      const full = await outcome(() => explorePackedParallel(p, { invariants, maxStates }, 2, { smallLevel: 1, wait: true, outputBytes: 4096 }));
      expect(full).toEqual(sequential);
      for (const share of [0.05, 0.9]) expect(await outcome(() => explorePackedParallel(p, { invariants, maxStates }, 3, { smallLevel: 1, wait: true, share }))).toEqual(sequential);
    }
  });

  it("keeps transition indices of 255 and more (a byte each, the large ones beside)", () => {
    const vias = new ViaList();
    for (const v of [0, 254, 255, 256, 70000, 3, 300]) vias.push(v);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => vias.get(i))).toEqual([0, 254, 255, 256, 70000, 3, 300]);
  });

  it("keeps every fingerprint as the table doubles in place, or past its reservation into a new buffer", () => {
    // Homes crowded at the end of the table (probes that wrap) and in runs, and spread ones.
    const fps: [number, number][] = [];
    for (let k = 0; k < 3000; k++) {
      const hi = k % 3 === 0 ? (k << 8) | 0xff : k % 3 === 1 ? 0x5a5a0 + (k & 7) : Math.imul(k + 1, 0x9e3779b1);
      fps.push([hi === 0 ? 1 : hi, k + 1]);
    }
    for (const reserve of [1 << 13, 1 << 6]) {
      const t = new FingerprintTable(1 << 4, false, undefined, 0, reserve);
      const buffer = t.slots.buffer;
      expect(fps.filter(([hi, lo]) => !t.add(hi, lo))).toEqual([]);
      expect(fps.filter(([hi, lo]) => !t.has(hi, lo) || t.add(hi, lo))).toEqual([]);
      expect([t.size, t.capacity, t.has(0x5a5a0, 5), t.slots.buffer === buffer]).toEqual([3000, 1 << 13, false, reserve === 1 << 13]);
    }
  });

  it("stops at --timeout with a time-out error, never a verdict", async () => {
    const loaded = loadSpec("spec/raid5", { root });
    const p = program(loaded, "small_free", "d0852df");
    const error = await explorePackedParallel(p, { invariants: ["TypeOK"], timeoutMs: 400 }, 2, { smallLevel: 1, wait: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe("timeout");
  });

  it("finds the same violation with 2 workers: the same state count and the same shortest counterexample", async () => {
    const loaded = loadSpec("spec/raid5", { root });
    const p = program(loaded, "small", null);
    const sequential = explorePacked(p, {});
    const parallel = await explorePackedParallel(p, {}, 2, { smallLevel: 1, wait: true });
    expect(sequential.verdict).toBe("violation");
    expect(parallel.verdict).toBe("violation");
    expect(parallel.invariant).toBe(sequential.invariant);
    expect(parallel.distinctStates).toBe(sequential.distinctStates);
    expect(parallel.trace?.length).toBe(sequential.trace?.length);
    expect(parallel.trace).toEqual(sequential.trace);
  });
});

describe("symmetry reduction", () => {
  it("counts one state per orbit: the mutex of N interchangeable processes has 2^N + N·2^(N-1) states and 2N + 1 orbits", async () => {
    const loaded = loadSpec("test/fixtures/packed/mutex", { root });
    for (const [config, n] of [["three", 3], ["four", 4]] as const) {
      const constants = constantValues(loaded.spec, config) as Record<string, Value>;
      const full = explorePacked(compilePacked(loaded.spec, null, constants, { symmetry: false }));
      const reduced = compilePacked(loaded.spec, null, constants);
      expect(reduced.symmetry).toEqual({ domains: ["Procs"], permutations: n === 3 ? 6 : 24 });
      expect(full.distinctStates).toBe(2 ** n + n * 2 ** (n - 1));
      expect(explorePacked(reduced).distinctStates).toBe(2 * n + 1);
      expect((await explorePackedParallel(reduced, {}, 2, { smallLevel: 1, wait: true })).distinctStates).toBe(2 * n + 1);
    }
  });

  it("keeps shortest counterexamples, as real paths (they replay on the reference library)", async () => {
    const { loaded, model } = await specAndModel("test/fixtures/packed/mutex");
    const constants = constantValues(loaded.spec, "four") as Record<string, Value>;
    const full = explorePacked(compilePacked(loaded.spec, "noLock", constants, { symmetry: false }));
    const reduced = explorePacked(compilePacked(loaded.spec, "noLock", constants));
    expect([reduced.verdict, reduced.invariant]).toEqual(["violation", "OneHolder"]);
    expect(reduced.trace?.length).toBe(full.trace?.length);
    expect(reduced.distinctStates).toBeLessThan(full.distinctStates);
    const steps = model.variants.find((v) => v.name === "noLock");
    const trace = reduced.trace ?? [];
    for (let i = 1; i < trace.length; i++) {
      const before = model.fromJson(trace[i - 1]?.state ?? {}, constants);
      const next = steps?.successors(before, constants).map((t) => JSON.stringify(model.toJson(t.next, constants)));
      expect(next).toContain(JSON.stringify(trace[i]?.state));
    }
  });
});

describe("simulator", () => {
  it("finds the race before d0852df on small_free, shrinks it to the shortest length, and repeats itself for a seed", async () => {
    const { loaded, model } = await specAndModel("spec/raid5");
    const p = program(loaded, "small_free", null);
    const constants = constantValues(loaded.spec, "small_free");
    for (const seed of [1, 2, 3]) {
      const r = simulate(p, { invariants: ["WriteIntentCoverage"], seed, walks: 5000 });
      expect([r.verdict, r.invariant]).toEqual(["violation", "WriteIntentCoverage"]);
      // The shortest counterexample has 8 steps (the exhaustive search finds it); shrinking gets there.
      expect(r.trace?.length).toBe(9);
      expect(r.foundAtLength).toBeGreaterThanOrEqual(8);
      // 16 labels; small_free switches off the second edition's steps (Retry, HandleBatch, Daemon).
      expect(r.coverage.steps.total).toBe(16);
      const again = simulate(p, { invariants: ["WriteIntentCoverage"], seed, walks: 5000 });
      expect([again.walks, again.trace]).toEqual([r.walks, r.trace]);
      // Each step is a transition of the reference library.
      const trace = r.trace ?? [];
      for (let i = 1; i < trace.length; i++) {
        const next = model.variants[0]?.successors(model.fromJson(trace[i - 1]?.state ?? {}, constants), constants).map((t) => JSON.stringify(model.toJson(t.next, constants)));
        expect(next).toContain(JSON.stringify(trace[i]?.state));
      }
    }
  });

  it("reports walks and coverage when nothing breaks (not a proof)", async () => {
    const loaded = loadSpec("spec/raid5", { root });
    const r = simulate(program(loaded, "two_disk", "d0852df"), { walks: 300, seed: 9 });
    expect(r.verdict).toBe("ok");
    expect(r.walks).toBe(300);
    expect(r.distinctStates).toBeGreaterThan(100);
    expect(r.distinctStates).toBeLessThanOrEqual(1011);
    // Every step but those the configuration switches off (Retry, HandleBatch, Daemon) and cd5fc653's own.
    expect(r.coverage.steps.missing.sort()).toEqual(["daemon.bitmap_daemon_work", "handler.clear_batch_ready", "handler.handle_taken", "writer.wait_for_overlap"]);
    expect(r.coverage.steps.covered).toBe(r.coverage.steps.total - 4);
  });
});
