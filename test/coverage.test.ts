/**
 * Coverage of steps and branches on every engine, and reachability goals (`.reachable`).
 *
 * The engines count independently (the compiled explorer per emission site, the readable explorer
 * from the reference library's Transition.branches, tla-checker from its state graph, TLC from its
 * -coverage report), so equal counts are evidence, not a tautology. The TLC tests need a jar
 * (TLA2TOOLS_JAR) and are skipped with a message without one.
 */
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { buildReport, reportTable } from "../engines/report.ts";
import { type CheckRequest, runCheck } from "../engines/check.ts";
import { checkGoals } from "../engines/check-goals.ts";
import type { Coverage } from "../engines/coverage.ts";
import { parseTlcOutput } from "../engines/tlc/parse-output.ts";
import { tlcArmCounts, tlcCoverageCounts } from "../engines/tlc/coverage.ts";
import { createHash } from "node:crypto";
import { loadSpec } from "../generator/frontend/load.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { stepBranches } from "../generator/branches.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { constantValues } from "../engines/state-json.ts";
import { formatCoverage } from "../cli/coverage-print.ts";
import { readFileSync } from "node:fs";
import { sharedFixtures } from "./shared-fixtures.ts";

const readShared = (name: string) => readFileSync(`${sharedFixtures("tlc-raidspec")}${name}`, "utf8");

const root = process.cwd();
const JAR = process.env.TLA2TOOLS_JAR;
if (!JAR) console.log("coverage.test.ts: TLA2TOOLS_JAR is not set, so the coverage and reachability checks on the real TLC are skipped.");

const DEAD = "test/fixtures/coverage/dead-branch";

type Engine = CheckRequest["engine"] | "native-reference";

async function coverageOf(specArg: string, variant: string | null, engine: Engine, config?: string): Promise<Coverage> {
  const loaded = loadSpec(specArg, { root });
  const r = await runCheck({
    loaded,
    specArg,
    ...(config ? { config } : {}),
    variant: variant ?? "base",
    engine: engine === "native-reference" ? "native" : engine,
    ...(engine === "native-reference" ? { explorer: "reference" as const } : {}),
    ...(engine === "tlc" ? { tlcJar: JAR, workers: 1 } : {}),
    // TypeOK alone: it holds, so the search is complete (a violation would stop it at an order-dependent point).
    invariants: ["TypeOK"],
    coverage: true,
    root: loaded.root,
  });
  if (!r.coverage) throw new Error("no coverage in the result");
  return r.coverage;
}

const stepCounts = (c: Coverage) => Object.fromEntries(c.steps.map((s) => [s.step, s.generated]));
const full = (c: Coverage) => c.steps.map((s) => ({ step: s.step, generated: s.generated, distinct: s.distinct, branches: s.branches }));

const examples: [string, (string | null)[]][] = [
  ["spec/examples/counter", [null, "noLock"]],
  ["spec/examples/peterson", [null, "noTurn"]],
];

/**
 * The other examples (bakery, ewd998 and dining-philosophers are left out: minutes on the readable
 * explorer and tla-checker, too long for the suite) and the language
 * fixtures with plain actions and procedures. Some have transitions of one state that reach one
 * successor, which tla-checker's graph merges: the embedded counts are compared with distinct
 * (state, successor) pairs per step counted on the reference library.
 */
const more = ["spec/examples/two-phase-btm", "test/fixtures/language/actions", "test/fixtures/language/actions-mixed", "test/fixtures/language/procedures"];

/** Distinct (state, successor) pairs per step, on the reference library (null where two steps share a pair: the graph names it by one). */
async function pairCounts(specArg: string): Promise<Record<string, number> | null> {
  const loaded = loadSpec(specArg, { root });
  const model = await referenceOf(loaded.spec);
  const constants = constantValues(loaded.spec, loaded.spec.configs[0]?.name ?? "default");
  const v = model.variants[0];
  if (!v) throw new Error("no variant");
  const words: number[] = [];
  const key = (x: unknown) => (model.encode ? words.slice(0, model.encode(x, words)).join(",") : JSON.stringify(model.toJson(x, constants)));
  const seen = new Set<string>();
  const todo = v.init(constants).filter((x) => !seen.has(key(x)) && seen.add(key(x)));
  const out: Record<string, number> = {};
  for (let i = 0; i < todo.length; i++) {
    const from = todo[i];
    const pairs = new Map<string, string>();
    for (const t of v.successors(from, constants)) {
      const k = key(t.next);
      const before = pairs.get(k);
      if (before !== undefined && before !== t.step) return null;
      if (before === undefined) out[t.step] = (out[t.step] ?? 0) + 1;
      pairs.set(k, t.step);
      if (!seen.has(k)) (seen.add(k), todo.push(t.next));
    }
  }
  return out;
}

describe("coverage: every step of every example, the same counts on every engine", () => {
  for (const [spec, variants] of examples)
    for (const variant of variants)
      it(`${spec} ${variant ?? "base"}: compiled and readable explorers agree on steps, new states and arms; embedded on steps`, async () => {
        const loaded = loadSpec(spec, { root });
        const labels = applyVariant(loaded.spec, variant).processes.flatMap((p) => p.steps.map((s) => s.label));
        const compiled = await coverageOf(spec, variant, "native");
        const readable = await coverageOf(spec, variant, "native-reference");
        const embedded = await coverageOf(spec, variant, "embedded");
        expect(compiled.steps.map((s) => s.step)).toEqual(labels);
        expect(full(readable)).toEqual(full(compiled));
        expect(stepCounts(embedded)).toEqual(stepCounts(compiled));
        expect(embedded.branchesCounted).toBe(false);
        expect(compiled.complete).toBe(true);
        // noTurn's setFlag jumps to cs: the base steps between them are dead in that variant, and said so.
        const dead = variant === "noTurn" ? ["giveTurn", "wait"] : [];
        expect(compiled.steps.filter((s) => s.generated === 0).map((s) => s.step)).toEqual(dead);
        expect(compiled.warnings.filter((w) => w.endsWith("never fired.")).length).toBe(dead.length);
      });

  for (const spec of more)
    it(`${spec}: compiled and readable explorers agree; embedded equals the distinct (state, successor) pairs per step`, async () => {
      const loaded = loadSpec(spec, { root });
      const compiled = await coverageOf(spec, null, "native");
      const readable = await coverageOf(spec, null, "native-reference");
      const embedded = await coverageOf(spec, null, "embedded");
      expect(compiled.steps.map((s) => s.step)).toEqual(stepBranches(loaded.spec).map((s) => s.label));
      expect(full(readable)).toEqual(full(compiled));
      const pairs = await pairCounts(spec);
      const expected = pairs && Object.fromEntries(compiled.steps.map((s) => [s.step, pairs[s.step] ?? 0]));
      if (expected) expect(stepCounts(embedded)).toEqual(expected);
      for (const s of embedded.steps) expect(s.generated).toBeLessThanOrEqual(stepCounts(compiled)[s.step] ?? 0);
    }, 60_000);

  it("md/raid5 small: the compiled explorer's arm counts equal the reference library's (every branch point listed)", async () => {
    const compiled = await coverageOf("spec/raid5", "d0852df", "native", "small");
    const readable = await coverageOf("spec/raid5", "d0852df", "native-reference", "small");
    expect(full(readable)).toEqual(full(compiled));
    const loaded = loadSpec("spec/raid5", { root });
    const points = stepBranches(applyVariant(loaded.spec, "d0852df")).reduce((n, s) => n + s.points.length, 0);
    expect(compiled.steps.reduce((n, s) => n + (s.branches?.length ?? 0), 0)).toBe(points);
    expect(compiled.steps.reduce((n, s) => n + s.generated, 0)).toBe(37153);
  });
});

describe("coverage with temporal properties", () => {
  it("md/raid5 small: the liveness graph search counts the same coverage as a search for the invariants alone", async () => {
    const loaded = loadSpec("spec/raid5", { root });
    const withProperties = await runCheck({ loaded, specArg: "spec/raid5", config: "small", variant: "cd5fc653", engine: "native", coverage: true, root: loaded.root });
    expect(withProperties.liveness).toBeDefined();
    expect(withProperties.coverage?.complete).toBe(true);
    const invariantsOnly = await coverageOf("spec/raid5", "cd5fc653", "native", "small");
    expect(full(withProperties.coverage as Coverage)).toEqual(full(invariantsOnly));
  });
});

describe("coverage on the command line and in the report", () => {
  it("check --coverage --json carries it; report --coverage adds the column", async () => {
    const r = await execa("node", ["bin/raidspec.js", "check", "spec/examples/peterson", "--engine", "native", "--coverage", "--json"], { reject: false });
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout) as { coverage: Coverage; reachability: { goal: string; reached: boolean }[] };
    expect(result.coverage.steps.map((st) => [st.step, st.generated])).toEqual([["setFlag", 14], ["giveTurn", 14], ["wait", 4], ["cs", 6], ["exit", 6]]);
    expect(result.reachability).toEqual([expect.objectContaining({ goal: "BothWaiting", reached: true })]);
    const loaded = loadSpec("spec/examples/peterson", { root });
    const rows = await buildReport({ loaded, specArg: "spec/examples/peterson", engine: "native", coverage: true, root: loaded.root });
    const table = reportTable(rows, ["TypeOK", "MutualExclusion"]);
    expect(table.split("\n")[0]).toContain("| coverage |");
    expect(table).toContain("| base | default | TypeOK | holds | 26 |  | native | 5/5 steps, 1/1 arms |");
    // noTurn leaves giveTurn and wait (and wait's when) dead.
    expect(table).toContain("| noTurn | default | TypeOK | holds | 16 |  | native | 4/6 steps, 1/2 arms |");
    expect(table).toMatch(/noTurn \| default \| MutualExclusion \| \*\*violated\*\* .*\| partial: /);
  }, 60_000);
});

describe("coverage: a deliberately dead branch is a warning", () => {
  it("native: the never-fired step, the dead if arm, the dead either arm and its when", async () => {
    for (const engine of ["native", "native-reference"] as const) {
      const c = await coverageOf(DEAD, null, engine);
      expect(c.complete).toBe(true);
      const never = c.warnings.filter((w) => w.includes("p.never") && w.includes("never fired"));
      expect(never).toHaveLength(1);
      expect(c.warnings.some((w) => w.includes("p.bump") && /the then arm of the if at 20:14 is never taken/.test(w))).toBe(true);
      expect(c.warnings.some((w) => w.includes("p.pick") && /arm 2 of 2 of the either at 25:9 is never taken/.test(w))).toBe(true);
      expect(c.warnings.some((w) => w.includes("p.pick") && /the when at 30:13 never held/.test(w))).toBe(true);
      expect(c.warnings).toHaveLength(4);
      expect(formatCoverage(c)).toContain("NEVER FIRED");
    }
  });

  it("embedded: steps only, the never-fired step", async () => {
    const c = await coverageOf(DEAD, null, "embedded");
    expect(c.warnings).toEqual([expect.stringContaining("p.never")]);
    expect(c.notes.join(" ")).toContain("steps only");
  });
});

describe("reachability goals", () => {
  const goals = async (engine: "native" | "embedded" | "tlc") => {
    const loaded = loadSpec(DEAD, { root });
    return checkGoals({ loaded, specArg: DEAD, engine, ...(engine === "tlc" ? { tlcJar: JAR, workers: 1 } : {}), root: loaded.root });
  };

  for (const engine of ["native", "embedded"] as const)
    it(`${engine}: a reachable goal has a shortest witness, an unreachable one is a finding`, async () => {
      const [two, four] = await goals(engine);
      expect(two).toMatchObject({ goal: "XIsTwo", reached: true });
      expect(two?.witness?.map((s) => s.step)).toEqual(["Init", "bump", "pick", "bump"]);
      expect(two?.witness?.at(-1)?.state.x).toBe(2);
      expect(four).toMatchObject({ goal: "XIsFour", reached: false, checkedAs: "XIsFour_unreached" });
      expect(four?.witness).toBeUndefined();
    });

  it("md/raid5 small: batched before bitmap_startwrite is reached on both sides; with d0852df only after the first startwrite cleared PENDING", async () => {
    const loaded = loadSpec("spec/raid5", { root });
    for (const variant of ["pre-d0852df", "d0852df"]) {
      const [g] = await checkGoals({ loaded, specArg: "spec/raid5", config: "small", variant, engine: "native", root: loaded.root }, ["BatchedBeforeStartwrite"]);
      expect(g?.reached).toBe(true);
      const w = g?.witness ?? [];
      expect(w.at(-1)?.step).toBe("stripe_add_to_batch_list");
      expect(Object.values(w.at(-1)?.state.pc as Record<string, string>)).toContain("bitmap_startwrite");
      const steps = w.map((s) => s.step);
      // Before the fix nothing needs to complete first; with it one bitmap_startwrite and its set_bit_delay have.
      if (variant === "d0852df") expect(steps.indexOf("set_bit_delay")).toBeGreaterThan(steps.indexOf("bitmap_startwrite"));
      else expect(steps).not.toContain("bitmap_startwrite");
      expect(w.length - 1).toBe(variant === "d0852df" ? 9 : 7);
    }
  }, 60_000);

  it.skipIf(!JAR)("TLC: the goal checked as the invariant of its negation, verdict inverted", async () => {
    const [two, four] = await goals("tlc");
    expect(two).toMatchObject({ goal: "XIsTwo", reached: true, engine: "tlc" });
    expect(two?.witness?.map((s) => s.step)).toEqual(["Init", "bump", "pick", "bump"]);
    expect(four).toMatchObject({ goal: "XIsFour", reached: false, engine: "tlc" });
  });
});

describe("TLC coverage", () => {
  it("the recorded -coverage report of Counter maps onto its four steps (Terminating left out)", () => {
    const out = parseTlcOutput(readShared("Counter.coverage.out"));
    const loaded = loadSpec("spec/examples/counter", { root });
    const counts = tlcCoverageCounts(out.coverage ?? [], loaded.spec);
    expect(Object.fromEntries(counts.generated)).toEqual({ enter: 618, read: 276, write: 196, leave: 196 });
    expect(Object.fromEntries(counts.distinct)).toEqual({ enter: 290, read: 196, write: 196, leave: 196 });
    expect(counts.initDistinct).toBe(1);
  });

  it("an action that is no step of the spec is an error, not a silent zero", () => {
    const out = parseTlcOutput(readShared("Counter.coverage.out"));
    const loaded = loadSpec("spec/examples/peterson", { root });
    expect(() => tlcCoverageCounts(out.coverage ?? [], loaded.spec)).toThrow(/no step of Peterson/);
  });

  // The recorded run is of the module as generated then; its places only mean something for that text.
  const counterModule = readFileSync("tla/counter/Counter.tla", "utf8");
  const recordedModule = createHash("sha256").update(counterModule).digest("hex") === readShared("MODULES.sha256").match(/^(\w+)\s+counter\/Counter\.tla$/m)?.[1];
  if (!recordedModule) console.log("coverage.test.ts: tla/counter/Counter.tla is not the module of the recorded TLC run (MODULES.sha256), so the recorded arm counts are not checked.");

  it.skipIf(!recordedModule)("the recorded per-expression counts map onto Counter's branch arms: equal to the native engine's", async () => {
    const out = parseTlcOutput(readShared("Counter.coverage.out"));
    const loaded = loadSpec("spec/examples/counter", { root });
    const arms = tlcArmCounts(loaded.spec, null, counterModule, "Counter", out.messages);
    const native = await coverageOf("spec/examples/counter", null, "native");
    const nativeArms = new Map(native.steps.map((st) => [st.step, new Map((st.branches ?? []).flatMap((b) => b.arms.map((a) => [b.kind === "when" ? b.id : `${b.id}=${a.arm}`, a.taken])))]));
    expect(Object.fromEntries([...arms.counts].map(([k, m]) => [k, Object.fromEntries(m)]))).toEqual(Object.fromEntries([...nativeArms].map(([k, m]) => [k, Object.fromEntries(m)])));
    // The either's first arm is a conjunction TLC reports whole (how often it was evaluated), the whens are reached counts: bounds.
    expect([...(arms.inexact.get("read") ?? [])].sort()).toEqual(["either@39:9=0", "when@45:13"]);
    expect(arms.unknown.size).toBe(0);
  });

  it.skipIf(!JAR)("real TLC: the examples' step counts equal the native engine's; exact arm counts equal, bounds are not below", async () => {
    for (const [spec, variants] of [...examples, [DEAD, [null]] as [string, (string | null)[]]])
      for (const variant of variants) {
        const tlc = await coverageOf(spec, variant, "tlc");
        const native = await coverageOf(spec, variant, "native");
        expect(stepCounts(tlc)).toEqual(stepCounts(native));
        expect(tlc.engine).toBe("tlc");
        tlc.steps.forEach((st, i) =>
          st.branches?.forEach((b, j) =>
            b.arms.forEach((a, k) => {
              const n = native.steps[i]?.branches?.[j]?.arms[k]?.taken ?? -1;
              if (a.taken === null) return;
              if (a.exact === false) expect(a.taken).toBeGreaterThanOrEqual(n);
              else expect([st.step, b.id, a.arm, a.taken]).toEqual([st.step, b.id, a.arm, n]);
            }),
          ),
        );
        if (spec === DEAD) expect(tlc.warnings).toHaveLength(native.warnings.length);
      }
  }, 180_000);
});
