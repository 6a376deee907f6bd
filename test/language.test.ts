/**
 * The language constructs, each on a small spec of its own under test/fixtures/language/: the spec
 * loads, its TLA+ parses, and the generated TLA+ and reference library mean the same (lockstep over
 * every reachable state, then the same state count on the native and embedded engines, and on TLC when
 * TLA2TOOLS_JAR names a tla2tools.jar). The expected counts are TLC's, from the real TLC.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareCounts } from "../conformance/counts.ts";
import { lockstep } from "../conformance/lockstep.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import type { EngineName } from "../engines/result.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";
import { artefactsOf, writeArtefacts } from "../generator/write.ts";
import { runTlc } from "../engines/tlc/run.ts";
import { withInvariantsInModel } from "../engines/embedded/engine.ts";
import { runCheck } from "../engines/check.ts";
import { execa } from "execa";

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
  await writeArtefacts(scratch, await artefactsOf(loaded));
  return loaded;
}

/** Lockstep over every reachable state, then every engine's state count with these invariants checked. */
async function conformsWith(loaded: LoadedSpec, invariants: string[], states: number): Promise<void> {
  const model = await referenceOf(loaded.spec);
  const ls = await lockstep(loaded, { variant: null, model, root: scratch });
  if (!ls.ok) throw new Error(`lockstep divergence: ${JSON.stringify(ls.divergence).slice(0, 3000)}`);
  expect(ls.complete).toBe(true);
  const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
  const counts = await compareCounts(loaded, { variant: null, invariants, engines, tlcJar: jar, root: scratch });
  expect(counts.problems).toEqual([]);
  expect(counts.runs.map((r) => [r.engine, r.ran ? r.result.distinctStates : r.error])).toEqual(engines.map((e) => [e, states]));
}

/** Lockstep over every reachable state, then every engine's state count. */
async function conforms(loaded: LoadedSpec, options: { config?: string; variant?: string | null; states: number; reachable?: number }): Promise<void> {
  const model = await referenceOf(loaded.spec);
  const ls = await lockstep(loaded, { config: options.config, variant: options.variant ?? null, model, root: scratch });
  if (!ls.ok) throw new Error(`lockstep divergence: ${JSON.stringify(ls.divergence).slice(0, 3000)}`);
  expect(ls.complete).toBe(true);
  if (options.reachable !== undefined) expect(ls.states).toBe(options.reachable);
  const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
  const counts = await compareCounts(loaded, { config: options.config, variant: options.variant ?? null, engines, tlcJar: jar, root: scratch });
  expect(counts.problems).toEqual([]);
  expect(counts.runs.map((r) => [r.engine, r.ran ? r.result.distinctStates : r.error])).toEqual(engines.map((e) => [e, options.states]));
}

/**
 * The PlusCal algorithm in the module, re-translated by the real pcal.trans (on a copy), checked by the
 * real TLC: its state count (null without a jar).
 */
async function pcalRoundTrip(name: string, module: string, config = "default", skipInvariants: string[] = []): Promise<number | null> {
  if (!jar) return null;
  const dir = mkdtempSync(path.join(tmpdir(), "raidspec-pcal-"));
  try {
    const file = path.join(dir, `${module}.tla`);
    copyFileSync(path.join(scratch, "tla", name, `${module}.tla`), file);
    const cfg = readFileSync(path.join(scratch, "tla", name, `${config}.cfg`), "utf8");
    writeFileSync(path.join(dir, `${module}.cfg`), cfg.split("\n").filter((l) => !skipInvariants.some((i) => l === `INVARIANT ${i}`)).join("\n"));
    const trans = await execa("java", [`-Djava.io.tmpdir=${dir}`, "-cp", jar, "pcal.trans", "-nocfg", file], { cwd: dir, reject: false });
    expect(trans.stdout).toContain("Translation completed");
    const out = await runTlc({ jar, moduleFile: file, cfgFile: path.join(dir, `${module}.cfg`), workers: 1 });
    expect(out.outcome).toBe("ok");
    return out.distinctStates ?? null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("type-level gaps closed (record fields assigned, pc read in a step, empty setLit, pure helpers, constant records, locals read by invariants)", () => {
  it("type-checks, reads, and conforms: 41 states (TLC: 41)", async () => {
    const loaded = await generate("types");
    const other = loaded.spec.definitions.find((d) => d.name === "other");
    expect(other).toMatchObject({ pure: true, params: ["p"] });
    await conforms(loaded, { states: 41 });
    if (jar) expect(await pcalRoundTrip("types", "Types")).toBe(41);
  }, 120_000);
});

describe("sets compared as sets", () => {
  it("a set of records with a none field: the two sides order it differently, lockstep still agrees (TLC: 9)", async () => {
    await conforms(await generate("set-order"), { states: 9 });
  }, 120_000);
});

describe("initial-state sets", () => {
  it("per-variable choices: anyOf(S), mapping(D, () => anyOf(S)), a local chosen per process; PlusCal `\\in` (TLC: 192 initial, 525 states)", async () => {
    const loaded = await generate("init-choice");
    const [token, marked] = loaded.spec.variables;
    expect(token?.init).toEqual({ kind: "anyOf", set: { kind: "domain", name: "Node" } });
    expect(marked?.init).toMatchObject({ kind: "anyOf", set: { kind: "typeSet", type: { kind: "map" } } });
    const tla = readFileSync(path.join(scratch, "tla/init-choice/InitChoice.tla"), "utf8");
    expect(tla).toContain("variables active \\in BOOLEAN, sent = 0;");
    expect(tla).toContain("/\\ active \\in [Node -> BOOLEAN]");
    const model = await referenceOf(loaded.spec);
    expect(model.init({})).toHaveLength(192);
    await conforms(loaded, { states: 525 });
    if (jar) expect(await pcalRoundTrip("init-choice", "InitChoice")).toBe(525);
  }, 120_000);

  it("a predicate over the whole state (.initially): every label a process can be at; TLA+ only (TLC: 50 initial, 96 states)", async () => {
    const loaded = await generate("init-predicate");
    const tla = readFileSync(path.join(scratch, "tla/init-predicate/InitPredicate.tla"), "utf8");
    expect(tla).toContain("/\\ pc \\in [ProcSet -> {\"take\", \"reset\"}]");
    expect(tla).not.toContain("--algorithm");
    expect(tla).toContain("This module is TLA+ only");
    const model = await referenceOf(loaded.spec);
    expect(model.init({})).toHaveLength(50);
    await conforms(loaded, { states: 96 });
  }, 120_000);
});

describe("state constraints (.constraint → CONSTRAINT)", () => {
  it("bounds the model: TLC's semantics, states outside are checked but not counted (TLC: 35 states; NeverThree broken in 3 steps)", async () => {
    const loaded = await generate("constraint");
    const cfg = readFileSync(path.join(scratch, "tla/constraint/default.cfg"), "utf8");
    expect(cfg).toContain("CONSTRAINT Bounded");
    // Lockstep compares the 35 states inside the constraint and the 30 it reaches just outside it.
    const model = await referenceOf(loaded.spec);
    const ls = await lockstep(loaded, { variant: null, model, root: scratch });
    if (!ls.ok) throw new Error(`lockstep divergence: ${JSON.stringify(ls.divergence).slice(0, 3000)}`);
    expect(ls.states).toBe(65);
    const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
    const holds = await compareCounts(loaded, { variant: null, invariants: ["TypeOK", "Balanced"], engines, tlcJar: jar, root: scratch });
    expect(holds.problems).toEqual([]);
    expect(holds.runs.map((r) => (r.ran ? r.result.distinctStates : r.error))).toEqual(engines.map(() => 35));
    // NeverThree breaks only in states outside the constraint: TLC checks them, so every engine must.
    const broken = await compareCounts(loaded, { variant: null, engines, tlcJar: jar, root: scratch });
    expect(broken.problems).toEqual([]);
    expect(broken.runs.map((r) => (r.ran ? [r.result.verdict, r.result.invariant, (r.result.trace?.length ?? 0) - 1] : r.error))).toEqual(
      engines.map(() => ["violation", "NeverThree", 3]),
    );
  }, 120_000);

  it("tla-checker alone skips invariants outside the constraints (the fault the embedded engine works around)", async () => {
    const loaded = await generate("constraint");
    const moduleText = readFileSync(path.join(scratch, "tla/constraint/Constraint.tla"), "utf8");
    const cfgText = readFileSync(path.join(scratch, "tla/constraint/default.cfg"), "utf8");
    const { initSync, check_spec_with_options } = await import("tla-checker");
    const { createRequire } = await import("node:module");
    initSync({ module: readFileSync(createRequire(import.meta.url).resolve("tla-checker/tla_checker_bg.wasm")) });
    const raw = JSON.parse(check_spec_with_options(moduleText, JSON.stringify({ cfg_source: cfgText, allow_deadlock: true, max_states: 10_000, max_depth: 1000 }))) as { success: boolean };
    expect(raw.success).toBe(true);
    const fixed = withInvariantsInModel({ spec: loaded.spec, moduleText, cfgText, invariants: ["TypeOK", "Balanced", "NeverThree"] });
    expect(fixed.cfgText).toContain("CONSTRAINT RaidspecInModel");
    expect(fixed.moduleText).toContain("RaidspecInModel == (Bounded) \\/ ~(TypeOK /\\ Balanced /\\ NeverThree)");
  }, 60_000);
});

describe("plain actions (.action)", () => {
  it("actions only: TLA+ actions without pc, parameterized ones under \\E; PlusCal as `while TRUE` processes that pcal.trans translates without pc (TLC: 45)", async () => {
    const loaded = await generate("actions");
    const tla = readFileSync(path.join(scratch, "tla/actions/Actions.tla"), "utf8");
    expect(tla).toContain("VARIABLES rmState, tmState, tmPrepared\n");
    expect(tla).toContain("RMPrepare(rm) == /\\ rmState[rm] = \"working\"");
    expect(tla).toMatch(/\\\/ \\E rm \\in RM : RMDecide\(rm\)/);
    expect(tla).toContain("process RMPrepare \\in RM");
    await conforms(loaded, { states: 45 });
    if (jar) expect(await pcalRoundTrip("actions", "Actions")).toBe(45);
  }, 120_000);

  it("actions beside processes: a global step reading every label and local; TLA+ only (TLC: 51)", async () => {
    const loaded = await generate("actions-mixed");
    const tla = readFileSync(path.join(scratch, "tla/actions-mixed/ActionsMixed.tla"), "utf8");
    expect(tla).not.toContain("--algorithm");
    expect(tla).toContain("plain actions beside its processes");
    await conforms(loaded, { states: 51 });
  }, 120_000);
});

describe("sequences and tuples (seqOf, tupleOf, [a, b], append, head, tail, len, concat, subSeq, positions)", () => {
  it("a FIFO channel, a lexicographic tuple order, tuple elements assigned in place (TLC: 225; PlusCal round-trips)", async () => {
    const loaded = await generate("sequences");
    const tla = readFileSync(path.join(scratch, "tla/sequences/SeqTuple.tla"), "utf8");
    expect(tla).toContain("EXTENDS Integers, FiniteSets, Sequences, TLC");
    // Positions count from 0 in the DSL, from 1 in TLA+; s.got[s.got.length - 1] is got[Len(got)].
    expect(tla).toContain("IF got'[Len(got')] = 1 THEN 2 ELSE 1");
    expect(tla).toContain("seen' = [seen EXCEPT ![last[2]][1] = TRUE, ![last[2]][2] = last[1]]");
    const checked = ["TypeOK", "Fifo", "TicketsGrow"];
    await conformsWith(loaded, checked, 225);
    if (jar) expect(await pcalRoundTrip("sequences", "SeqTuple", "default", ["FewReceived"])).toBe(225);
    // A counterexample with sequences in its states: every engine's replays on the reference library.
    const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
    const broken = await compareCounts(loaded, { variant: null, engines, tlcJar: jar, root: scratch });
    expect(broken.problems).toEqual([]);
    expect(broken.runs.map((r) => (r.ran ? [r.result.invariant, (r.result.trace?.length ?? 0) - 1] : r.error))).toEqual(engines.map(() => ["FewReceived", 5]));
  }, 120_000);
});

describe("model values (modelValues)", () => {
  it("uninterpreted identities: CONSTANTS bound to themselves, processes over them beside an integer one, one named in a body (TLC: 16)", async () => {
    const loaded = await generate("model-values");
    const tla = readFileSync(path.join(scratch, "tla/model-values/ModelValues.tla"), "utf8");
    // The domain is a CONSTANT set of model values in the .cfg; the values named one by one are constants too.
    expect(tla).toContain("CONSTANTS RM, rm1, rm2, NoValue");
    expect(tla).not.toContain("RM ==");
    expect(tla).toContain('Rm1NotDone == rmState[rm1] # "done"');
    expect(readFileSync(path.join(scratch, "tla/model-values/default.cfg"), "utf8")).toContain("    RM = {rm1, rm2}\n    rm1 = rm1\n    rm2 = rm2\n");
    await conformsWith(loaded, ["TypeOK", "FirstPrepared"], 16);
    if (jar) expect(await pcalRoundTrip("model-values", "ModelValues", "default", ["Rm1NotDone"])).toBe(16);
    // TLC prints model values bare in its counterexamples: they read back and replay.
    const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
    const broken = await compareCounts(loaded, { variant: null, engines, tlcJar: jar, root: scratch });
    expect(broken.problems).toEqual([]);
    expect(broken.runs.map((r) => (r.ran ? [r.result.invariant, (r.result.trace?.length ?? 0) - 1] : r.error))).toEqual(engines.map(() => ["Rm1NotDone", 4]));
  }, 120_000);
});

describe("macros (macro)", () => {
  it("PlusCal macros, inlined with their arguments where called (TLC: 64; pcal.trans expands them to the same actions)", async () => {
    const loaded = await generate("macros");
    const tla = readFileSync(path.join(scratch, "tla/macros/Macros.tla"), "utf8");
    expect(tla).toContain("macro Bump(p)\nbegin\n    either");
    expect(tla).toContain("    Bump(self);\n    Note(count[self]);");
    // The call is the macro's text with the argument in place: count'[self] is read after Bump's update.
    expect(tla).toContain("/\\ last' = count'[self]");
    await conforms(loaded, { states: 64 });
    if (jar) expect(await pcalRoundTrip("macros", "Macros")).toBe(64);
  }, 120_000);
});

describe("procedures (.procedure, call, ret)", () => {
  it("call and return with a per-process stack, as pcal.trans translates them (TLC: 205; the PlusCal round-trips)", async () => {
    const loaded = await generate("procedures");
    const tla = readFileSync(path.join(scratch, "tla/procedures/Procedures.tla"), "utf8");
    expect(tla).toContain("procedure Add(n = 0)\nvariables t = 0;\nbegin");
    expect(tla).toContain("    call Twice(k);");
    expect(tla).toContain(`stack' = [stack EXCEPT ![self] = <<[procedure |-> "Add", pc |-> "b2", t |-> t[self], n |-> n[self]]>> \\o stack[self]]`);
    expect(tla).toContain("/\\ stack = [self \\in ProcSet |-> <<>>]");
    await conformsWith(loaded, ["TypeOK", "Bounded"], 205);
    if (jar) expect(await pcalRoundTrip("procedures", "Procedures", "default", ["GSmall"])).toBe(205);
    // Counterexamples whose states hold stacks of frames read back from every engine and replay.
    const engines: EngineName[] = ["native", "embedded", ...(jar ? (["tlc"] as const) : [])];
    const broken = await compareCounts(loaded, { variant: null, engines, tlcJar: jar, root: scratch });
    expect(broken.problems).toEqual([]);
    expect(broken.runs.map((r) => (r.ran ? [r.result.invariant, (r.result.trace?.length ?? 0) - 1] : r.error))).toEqual(engines.map(() => ["GSmall", 7]));
  }, 120_000);
});

describe("the generated reference libraries of these specs", () => {
  it("type-check under --strict", async () => {
    const { Project, ts } = await import("ts-morph");
    const project = new Project({
      compilerOptions: { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] },
    });
    const files = readdirSync(path.join(scratch, "reference")).map((f) => project.addSourceFileAtPath(path.join(scratch, "reference", f)));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const errors = files.flatMap((f) => f.getPreEmitDiagnostics().map((d) => `${f.getBaseName()}:${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, " ")}`));
    expect(errors).toEqual([]);
  }, 120_000);
});

describe("symmetry over model values (symmetric(modelValues(…)) → SYMMETRY)", () => {
  it("TLC and the native engine reduce to one state per permutation class (40 of 160; TLC: 40 with SYMMETRY, 160 without)", async () => {
    const loaded = await generate("symmetry");
    const tla = readFileSync(path.join(scratch, "tla/symmetry/Symmetry.tla"), "utf8");
    expect(tla).toContain("Symmetry == Permutations(Workers)");
    expect(readFileSync(path.join(scratch, "tla/symmetry/default.cfg"), "utf8")).toContain("SYMMETRY Symmetry");
    // Unreduced, every engine and lockstep agree.
    await conforms(loaded, { states: 160 });
    const reduced = async (engine: EngineName) => (await runCheck({ loaded, specArg: "symmetry", engine, root: scratch, tlcJar: jar, workers: 1 })).distinctStates;
    expect(await reduced("native")).toBe(40);
    if (jar) expect(await reduced("tlc")).toBe(40);
    // tla-checker's reduction stops short of the classes: the embedded engine checks unreduced.
    expect(await reduced("embedded")).toBe(160);
    const moduleText = tla;
    const cfgText = readFileSync(path.join(scratch, "tla/symmetry/default.cfg"), "utf8");
    const { initSync, check_spec_with_options } = await import("tla-checker");
    const { createRequire } = await import("node:module");
    initSync({ module: readFileSync(createRequire(import.meta.url).resolve("tla-checker/tla_checker_bg.wasm")) });
    const raw = JSON.parse(check_spec_with_options(moduleText, JSON.stringify({ cfg_source: cfgText, allow_deadlock: true, max_states: 10_000, max_depth: 1000 }))) as { states_explored: number };
    expect(raw.states_explored).toBe(58);
  }, 120_000);
});
