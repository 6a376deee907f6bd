/**
 * Liveness on the native engine: the search on hand-built graphs (each form, weak and strong
 * fairness, the Emerson–Lei refinement, shortest lassos), the examples' properties holding and
 * violated with lassos that replay on the reference library, deadlock, and TLC's lasso shapes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCheck } from "../engines/check.ts";
import { buildReport, reportMatrix } from "../engines/report.ts";
import { breaks } from "../engines/liveness/confirm.ts";
import { checkLiveness } from "../engines/liveness/check.ts";
import { deadline } from "../engines/native/liveness-run.ts";
import { constraintsOn, type FairnessRule, fairnessRules } from "../engines/liveness/fairness.ts";
import { GraphRecorder, type StateGraph } from "../engines/liveness/graph.ts";
import { findViolation, type FormCheck, type GraphLasso, LivenessContext } from "../engines/liveness/search.ts";
import type { ReferenceModel } from "../engines/model.ts";
import { type CheckResult, EngineError, type EngineName } from "../engines/result.ts";
import { canonicalString } from "../engines/state-json.ts";
import { parseTlcOutput } from "../engines/tlc/parse-output.ts";
import { tlcLasso } from "../engines/tlc/lasso.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { model as spinlockModel } from "../reference/spinlock.ts";
import { model as lockOrderModel } from "../reference/lock-order.ts";
import { sharedFixtures } from "./shared-fixtures.ts";
import { resultModel } from "../cli/print.ts";
import { showTrace } from "../cli/show.ts";
import { traceToItf } from "../engines/itf.ts";
import { constantValues } from "../engines/state-json.ts";
import { readItf } from "../traces/itf-read.ts";
import { checkEmbedded } from "../engines/embedded/engine.ts";
import { explainTrace } from "../engines/explain.ts";
import { confirmLasso } from "../engines/liveness/confirm.ts";
import { propertyPlan } from "../engines/liveness/instances.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { applyVariant, renderConfig, renderModule } from "../generator/tla/module.ts";
import { narrativeLines } from "../traces/narrative.ts";
import { traceSvg } from "../traces/svg.ts";
import { traceHtml } from "../traces/html.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A graph from edges `[from, to, step, self]`; predicate k is true in the states listed in preds[k]. */
function graph(size: number, edges: [number, number, string, number][], preds: number[][]): StateGraph {
  const rec = new GraphRecorder(preds.length);
  const parent = new Int32Array(size).fill(-1);
  const via = new Int32Array(size);
  const seen = new Uint8Array(size);
  seen[0] = 1;
  // A breadth-first tree from state 0, as the explorers record it.
  const queue = [0];
  for (let h = 0; h < queue.length; h++) {
    const s = queue[h] as number;
    edges.filter((e) => e[0] === s).forEach(([, t], k) => {
      if (seen[t]) return;
      seen[t] = 1;
      parent[t] = s;
      via[t] = k;
      queue.push(t);
    });
  }
  for (let s = 0; s < size; s++) {
    const out = edges.filter((e) => e[0] === s);
    for (const [, t, step, self] of out) rec.edge(t, rec.actionCode(`${step} ${self}`, () => ({ processSet: "p", step, self })));
    rec.expanded(s, out.length);
    preds.forEach((states, k) => rec.predicateValues[k]?.set(s, states.includes(s)));
  }
  return rec.finish(size, [0], (i) => parent[i] as number, (i) => via[i] as number);
}

const rule = (strong: boolean, ...steps: string[]): FairnessRule => ({ processSet: "p", strong, steps: new Set(steps), text: `${strong ? "SF" : "WF"}_vars(p(self))` });

function violation(g: StateGraph, rules: FairnessRule[], f: FormCheck): GraphLasso | null {
  const lasso = findViolation(new LivenessContext(g, constraintsOn(g.actions, rules)), f);
  if (lasso) {
    // Whatever the search returns is a path of the graph that closes its loop, and breaks the form.
    lasso.edges.forEach((e, i) => expect(g.target[e]).toBe(lasso.states[i + 1]));
    if (lasso.closing !== undefined && lasso.closing >= 0) expect(g.target[lasso.closing]).toBe(lasso.states[lasso.loopStart ?? -1]);
    const at = (k: number | undefined) => lasso.states.map((s) => (k === undefined ? false : g.predicates[k]?.[s] === 1));
    expect(breaks(f.form, at(f.p), at(f.q), lasso.loopStart)).toBe(true);
  }
  return lasso;
}

describe("liveness search on hand-built graphs", () => {
  // 0 -a-> 1 -a-> 2 -a-> 1 (a loop), 0 -b-> 3 (stuck); p holds in 3 only.
  const g = graph(
    4,
    [
      [0, 1, "a", 0],
      [1, 2, "a", 0],
      [2, 1, "a", 0],
      [0, 3, "b", 1],
    ],
    [[3], [1, 2, 3]],
  );

  it("<>p: without fairness the initial state stutters for ever; with weak fairness the loop 1-2 is the shortest fair lasso", () => {
    expect(violation(g, [], { form: "eventually", p: 0 })).toEqual({ states: [0], edges: [], loopStart: 0, closing: -1 });
    const fair = violation(g, [rule(false, "a", "b")], { form: "eventually", p: 0 });
    expect(fair && { states: fair.states, loopStart: fair.loopStart }).toEqual({ states: [0, 1, 2], loopStart: 1 });
  });

  it("--timeout covers the check of the properties after the search: a deadline that has passed stops it with a timeout", () => {
    const instance = { property: "P", leaf: 0, bound: [], form: "eventually" as const, p: 0 };
    // On time, the check finds the lasso; with the time up (the search took it all), it stops.
    expect(checkLiveness(g, [instance], [rule(false, "a", "b")], deadline(60_000, performance.now(), 4)).violation).toBeDefined();
    let error: unknown;
    try {
      checkLiveness(g, [instance], [rule(false, "a", "b")], deadline(5, performance.now() - 10, 4));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe("timeout");
    expect((error as EngineError).message).toMatch(/within 5 ms \(the state graph of 4 distinct states was explored; the temporal properties were being checked\)/);
  });

  it("[]p is the path to a state where p is false; []<>p and <>[]p and p ~> q", () => {
    expect(violation(g, [], { form: "always", p: 1 })).toEqual({ states: [0], edges: [] });
    // []<>p: state 3 is where p holds for ever; the fair loop 1-2 never gets there.
    expect(violation(g, [rule(false, "a", "b")], { form: "alwaysEventually", p: 0 })?.loopStart).toBe(1);
    // <>[]q (q in 1, 2, 3): every fair behaviour leaves 0 (weak fairness of a or b) and stays in q.
    expect(violation(g, [rule(false, "a", "b")], { form: "eventuallyAlways", p: 1 })).toBeNull();
    expect(violation(g, [], { form: "eventuallyAlways", p: 1 })?.states).toEqual([0]);
    // q ~> p: from state 1 (q true) the loop never reaches p.
    expect(violation(g, [rule(false, "a", "b")], { form: "leadsTo", p: 1, q: 0 })?.states.slice(0, 2)).toEqual([0, 1]);
    // A graph where every fair path ends in 3 satisfies them.
    const ends = graph(
      3,
      [
        [0, 1, "a", 0],
        [1, 2, "a", 0],
      ],
      [[2]],
    );
    for (const form of ["eventually", "alwaysEventually", "eventuallyAlways"] as const) expect(violation(ends, [rule(false, "a")], { form, p: 0 })).toBeNull();
    expect(violation(ends, [], { form: "eventually", p: 0 })).not.toBeNull();
  });

  it("a step enabled again and again but not always: weak fairness allows a loop that never takes it, strong fairness does not", () => {
    // 0 -x-> 1 -y-> 0 (process 0), 0 -t-> 2 (process 1: enabled in 0 only); p holds in 2.
    const h = graph(
      3,
      [
        [0, 1, "x", 0],
        [1, 0, "y", 0],
        [0, 2, "t", 1],
      ],
      [[2]],
    );
    const procRules = (strongT: boolean) => [rule(false, "x", "y"), { ...rule(strongT, "t"), processSet: "p" }];
    // Weak fairness of t: t is disabled in 1, so the loop 0-1 is fair.
    const weak = violation(h, procRules(false), { form: "eventually", p: 0 });
    expect(weak && { states: weak.states, loopStart: weak.loopStart }).toEqual({ states: [0, 1], loopStart: 0 });
    // Strong fairness of t: the loop is unfair, state 0 is removed, and state 1 alone must take y
    // (weak fairness of process 0): no fair behaviour avoids 2.
    expect(violation(h, procRules(true), { form: "eventually", p: 0 })).toBeNull();
    // Without fairness of process 0, state 1 may stutter: the refinement finds it.
    expect(violation(h, [rule(true, "t")], { form: "eventually", p: 0 })).toMatchObject({ states: [0, 1], loopStart: 1, closing: -1 });
  });

  it("the fairness rules of the examples are pcal.trans's: WF per process, SF for fair+ and for a label:+ step", () => {
    const spin = loadSpec("spec/examples/spinlock").spec;
    expect(fairnessRules(applyVariant(spin, null)).map((r) => r.text)).toEqual(["SF_vars(proc(self))"]);
    expect(fairnessRules(applyVariant(spin, "weak")).map((r) => r.text)).toEqual(["WF_vars(proc(self))"]);
    expect(fairnessRules(applyVariant(spin, "strongTake")).map((r) => r.text)).toEqual(["WF_vars(proc(self))", "SF_vars(take(self))"]);
    expect(fairnessRules(applyVariant(loadSpec("spec/examples/peterson").spec, "unfair"))).toEqual([]);
  });
});

const root = process.cwd();
const check = (arg: string, opts: { variant?: string; property?: string; deadlock?: boolean; engine?: EngineName | "native-reference" }): Promise<CheckResult> =>
  runCheck({
    loaded: loadSpec(arg),
    specArg: arg,
    variant: opts.variant,
    ...(opts.property ? { property: opts.property } : {}),
    ...(opts.deadlock ? { deadlock: true, invariants: ["TypeOK"] } : {}),
    engine: opts.engine === "native-reference" ? "native" : (opts.engine ?? "native"),
    ...(opts.engine === "native-reference" ? { explorer: "reference" as const } : {}),
    root,
  });

/** The lasso's step back, replayed on the reference library: a successor of the last state, by that step and process, is the loop's first state. */
function stepsBack(m: ReferenceModel<unknown>, variant: string | null, r: CheckResult): boolean {
  const steps = m.variants.find((v) => v.name === variant);
  const last = r.trace?.at(-1);
  const back = r.loopStep;
  if (!steps || !last || !back || r.loopStart === undefined) return false;
  const loopState = canonicalString(r.trace?.[r.loopStart]?.state ?? {});
  expect(canonicalString(back.state)).toBe(loopState);
  return steps
    .successors(m.fromJson(last.state, {}), {})
    .some((t) => t.step === back.step && canonicalString(t.self as never) === canonicalString(back.process) && canonicalString(m.toJson(t.next, {})) === loopState);
}

describe("the examples' properties on the native engine (compiled and readable explorers)", () => {
  it("Peterson: StarvationFree holds with weak fairness; without it, a shortest lasso where process 0 waits for ever", async () => {
    for (const engine of ["native", "native-reference"] as const) {
      const ok = await check("spec/examples/peterson", { property: "StarvationFree", engine });
      expect([engine, ok.verdict, ok.distinctStates, ok.properties]).toEqual([engine, "ok", 26, ["StarvationFree"]]);
      expect(ok.liveness?.fairness).toEqual(["WF_vars(proc) for proc 0", "WF_vars(proc) for proc 1"]);
      const bad = await check("spec/examples/peterson", { property: "StarvationFree", variant: "unfair", engine });
      expect([engine, bad.verdict, bad.property, bad.instance]).toEqual([engine, "violation", "StarvationFree", { p: 0 }]);
      // Process 0 sets its flag, then the behaviour stutters: nothing forces a step without fairness.
      expect(bad.trace?.map((t) => t.step)).toEqual(["Init", "setFlag"]);
      expect([bad.loopStart, bad.loopStep]).toEqual([1, undefined]);
      expect(bad.trace?.at(-1)?.state.flag).toEqual({ "0": true, "1": false });
    }
  });

  it("spinlock: NoStarvation holds with strong fairness (of the process, or of take alone) and fails with weak fairness, with a loop that really loops", async () => {
    for (const variant of [undefined, "strongTake"]) expect((await check("spec/examples/spinlock", { variant })).verdict).toBe("ok");
    const r = await check("spec/examples/spinlock", { variant: "weak" });
    expect([r.verdict, r.property, r.instance]).toEqual(["violation", "NoStarvation", { p: 0 }]);
    expect(r.loopStart).toBe(0);
    expect(r.trace?.map((t) => t.step)).toEqual(["Init", "take", "crit"]);
    expect(r.loopStep?.step).toBe("give");
    // Process 1 takes the lock each time it is free; process 0 spins (its take is enabled in state 0 only).
    expect(new Set(r.trace?.slice(1).map((t) => t.process))).toEqual(new Set([1]));
    expect(stepsBack(spinlockModel as ReferenceModel<unknown>, "weak", r)).toBe(true);
    const readable = await check("spec/examples/spinlock", { variant: "weak", engine: "native-reference" });
    expect([readable.trace?.length, readable.loopStart, readable.loopStep?.step]).toEqual([3, 0, "give"]);
  });

  it("counter: AllDone (every worker finishes) holds under weak fairness; without the lock, enter waits for ever after the last round", async () => {
    const ok = await check("spec/examples/counter", { property: "AllDone" });
    expect([ok.verdict, ok.distinctStates]).toEqual(["ok", 879]);
    // noLock's enter is `when(round < Rounds)` with no way to Done: both workers end stuck there.
    const bad = await check("spec/examples/counter", { property: "AllDone", variant: "noLock" });
    expect([bad.verdict, bad.property, bad.trace?.length, bad.loopStart, bad.loopStep]).toEqual(["violation", "AllDone", 17, 16, undefined]);
    expect(bad.trace?.at(-1)?.state).toMatchObject({ pc: { "1": "enter", "2": "enter" }, round: { "1": 2, "2": 2 } });
  });

  it("--deadlock: lock-order's processes each hold one lock and wait for the other; in one global order they finish", async () => {
    const stuck = await check("spec/examples/lock-order", { deadlock: true });
    expect(stuck.verdict).toBe("deadlock");
    expect(stuck.trace?.map((t) => [t.step, t.process])).toEqual([
      ["Init", null],
      ["takeFirst", 0],
      ["takeFirst", 1],
    ]);
    const last = stuck.trace?.at(-1)?.state ?? {};
    expect(last).toMatchObject({ held: { "0": true, "1": true }, pc: { "0": "takeSecond", "1": "takeSecond" } });
    // Replayed on the reference library: no step is enabled there.
    const steps = lockOrderModel.variants.find((v) => v.name === null);
    expect(steps?.successors(lockOrderModel.fromJson(last, {}), {})).toEqual([]);
    expect((await check("spec/examples/lock-order", { deadlock: true, engine: "native-reference" })).trace?.length).toBe(3);
    expect((await check("spec/examples/lock-order", { deadlock: true, variant: "ordered" })).verdict).toBe("ok");
    // Without --deadlock, a state with no enabled step is an ending.
    expect((await check("spec/examples/lock-order", {})).verdict).toBe("ok");
  });
});

describe("a lasso told in text, SVG, HTML and ITF", () => {
  it("the step back to the loop is drawn and named everywhere, and an ITF trace keeps it (show replays it)", async () => {
    const loaded = loadSpec("spec/examples/spinlock");
    const r = await check("spec/examples/spinlock", { variant: "weak" });
    const spec = applyVariant(loaded.spec, "weak");
    const model = resultModel(r, { spec, constants: constantValues(loaded.spec, "default") });
    if (!model) throw new Error("no trace");
    const text = narrativeLines(model).join("\n");
    expect(text).toMatch(/↺ proc 1 +give: Give the lock back/);
    expect(text).toContain("↺ back to state 0: states 0–2 repeat for ever");
    expect(text).toContain("Property NoStarvation is violated for p = 0");
    const svg = traceSvg(model);
    expect(svg).toContain('data-step="back"');
    expect(svg).toContain('class="loop" data-loop-start="0"');
    expect(svg).toContain('class="explanation property"');
    expect(traceHtml(model)).toContain("proc 1 give leads back to state 0");
    const itf = traceToItf(spec, r);
    const back = readItf(JSON.stringify(itf), "t.itf.json");
    expect([back.loopStart, back.property, back.instance, back.loopStep?.step, back.trace.length]).toEqual([0, "NoStarvation", { p: 0 }, "give", 3]);
    const file = join(mkdtempSync(join(tmpdir(), "raidspec-lasso-")), "t.itf.json");
    writeFileSync(file, JSON.stringify(itf));
    const shown = await showTrace(file, {}, root);
    expect(shown).toMatch(/↺ proc 1 +give/);
    expect(shown).not.toContain("does not replay");
    // Stuttering: a short arrow on the last state, no step back.
    const stutter = await check("spec/examples/peterson", { variant: "unfair" });
    const p = resultModel(stutter, { spec: applyVariant(loadSpec("spec/examples/peterson").spec, "unfair"), constants: {} });
    expect(p && traceSvg(p)).toContain('class="loop stuttering" data-loop-start="1"');
    expect(p && narrativeLines(p).join("\n")).toContain("↺ state 1 repeats for ever");
  });
});

describe("why the embedded engine does not check liveness", () => {
  it("tla-checker's lasso for StarvationFree on Peterson noTurn is a behaviour that satisfies it (the reference library says so)", async () => {
    const loaded = loadSpec("spec/examples/peterson");
    const spec = applyVariant(loaded.spec, "noTurn");
    const config = loaded.spec.configs[0];
    if (!config) throw new Error("no config");
    const cfgText = renderConfig(loaded.spec, config, [], { properties: ["StarvationFree"] });
    const r = await checkEmbedded({ spec, moduleText: renderModule(loaded.spec, "noTurn", "spec/examples/peterson"), cfgText, invariants: [] });
    expect([r.verdict, r.lasso?.stuttering]).toEqual(["violation", false]);
    // Process 0 never sets its flag on it, and process 1 gets to cs each round: StarvationFree holds there.
    expect(r.trace?.every((t) => (t.state.flag as Record<string, boolean>)["0"] === false)).toBe(true);
    const model = await referenceOf(loaded.spec);
    const raw = (r.trace ?? []).map((t, i) => ({ ...(i > 0 ? { action: t.action } : {}), state: t.state }));
    const trace = explainTrace(raw, spec, model, {}, "noTurn");
    const lasso = { trace, loopStart: r.lasso?.loopStart ?? 0, stuttering: false };
    expect(() => confirmLasso(lasso, undefined, propertyPlan(spec, {}, ["StarvationFree"]), model, {}, spec, "noTurn")).toThrow(/satisfies every checked property/);
    // The native engine and TLC (liveness-tlc.test.ts) find it violated, with a lasso that is one.
    const native = await check("spec/examples/peterson", { variant: "noTurn", property: "StarvationFree" });
    expect([native.verdict, native.property]).toEqual(["violation", "StarvationFree"]);
  });
});

describe("TLC's lasso shapes (recorded -tool outputs)", () => {
  const fixture = (name: string) => parseTlcOutput(readFileSync(sharedFixtures("tlc-output") + name, "utf8"));

  it("2122 back to state: the states include the step back (its state is the loop's first); loopStart is TLC's state number less one", () => {
    for (const [name, loopStart] of [
      ["error-trace-back-to-state.out", 1],
      ["error-trace-back-to-state-ext.out", 0],
    ] as const) {
      const out = fixture(name);
      expect(out.outcome).toBe("property");
      const { states, lasso } = tlcLasso(out.trace ?? []);
      expect([name, lasso]).toEqual([name, { loopStart, stuttering: false }]);
      expect(states.at(-1)?.variables).toEqual(states[loopStart]?.variables);
    }
  });

  it("2218 stuttering: the marker is left out and the loop is the last state", () => {
    const out = fixture("error-trace-stuttering.out");
    expect(out.outcome).toBe("property");
    const { states, lasso } = tlcLasso(out.trace ?? []);
    expect(lasso).toEqual({ loopStart: states.length - 1, stuttering: true });
    expect(states.some((s) => s.stuttering)).toBe(false);
  });
});

describe("report: properties in the results", () => {
  it("--kind property checks only the properties, and the matrix has a column per property with the complete exploration's size", async () => {
    const loaded = loadSpec("spec/examples/spinlock");
    const rows = await buildReport({ loaded, specArg: "spec/examples/spinlock", engine: "native", kind: "property", root: loaded.root });
    expect(rows.map((r) => [r.variant, r.kind, r.invariant, r.verdict])).toEqual([
      ["base", "property", "NoStarvation", "ok"],
      ["weak", "property", "NoStarvation", "violation"],
      ["strongTake", "property", "NoStarvation", "ok"],
    ]);
    const matrix = reportMatrix(rows, ["TypeOK", "NoStarvation"]).split("\n");
    expect(matrix[0]).toBe("| configuration | variant | states | NoStarvation |");
    expect(matrix[3]).toBe("| default | weak | 5 | **✗** 2 |");
    const invariants = await buildReport({ loaded, specArg: "spec/examples/spinlock", engine: "native", kind: "invariant", root: loaded.root });
    expect(new Set(invariants.map((r) => r.invariant))).toEqual(new Set(["TypeOK"]));
  });
});
