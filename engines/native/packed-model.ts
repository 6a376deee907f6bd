/**
 * Running a compiled program (generator/packed/): instantiating its source with an `emit`, turning
 * working-form states into the canonical JSON form and back, crash reports into contract 1's
 * messages, and emission sites into the reference library's transition fields (step, process,
 * params). Also `packedReferenceModel`, the compiled form behind the `ReferenceModel` interface, so
 * conformance and trace explanation can use it like a generated library.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import type { CrashSite } from "../../generator/packed/expr.ts";
import { NONE, keyText } from "../../generator/packed/layout.ts";
import { type CType, type ScalarJson, enumerate } from "../../generator/packed/types.ts";
import type { ET } from "../../generator/packed/values.ts";
import type { ConstantValues, ReferenceModel, Transition } from "../model.ts";
import { EngineError, type Json, type TraceState } from "../result.ts";

/** A working-form state: one number per slot, then the out-of-range mark (site + 1) and its value. */
export type Work = Int32Array;

export type Emit = (state: Work, site: number, self: number | boolean) => void;

/** What a compiled module offers (see generator/packed/compile.ts). */
export interface PackedModule {
  successors(state: Work): void;
  init(state: Work): void;
  /** Packs into `out` from `o`; false when an integer is outside its range (TypeOK fails). */
  pack(state: Work, out: Int32Array, o: number): boolean;
  /** As `pack`, for a successor of the state packed at `base[bo…]`: repacks only the words its step wrote. */
  packFrom(state: Work, base: Int32Array, bo: number, out: Int32Array, o: number): boolean;
  unpack(words: Int32Array, o: number, state: Work): void;
  inRange(state: Work): boolean;
  /** The smallest packed form over the symmetric permutations, into `out` from `o` (null without symmetry). */
  canonical: ((state: Work, out: Int32Array, o: number) => void) | null;
  invariants: ((state: Work) => boolean)[];
  /** The properties' state predicates asked for at compilation (see CompileOptions.predicates). */
  predicates: ((state: Work) => boolean)[];
  /** The `choose` values of the last emission. */
  P: Int32Array;
  /** Coverage mode: the arm each `if` with a shared continuation took (EmitSite.path). */
  BR: Int8Array;
  WIDTH: number;
  WORDS: number;
}

interface CrashThrown {
  site: number;
  value: number | boolean;
  step: number;
  self: number | boolean;
}

export function instantiate(program: PackedProgram, emit: Emit): PackedModule {
  // The compiled source is the engine's own output for this spec: evaluating it is the point.
  const factory = new Function("emit", program.source) as (emit: Emit) => PackedModule;
  return factory(emit);
}

export function newState(program: PackedProgram): Work {
  return new Int32Array(program.layout.width + 2);
}

// ---------------------------------------------------------------------------------------------
// Values and states as JSON

function scalarJson(program: PackedProgram, t: ET, v: number | boolean): Json {
  if (v === NONE) return null;
  switch (t.kind) {
    case "bool":
      return v === 1 || v === true;
    case "enum":
      return program.layout.strings[Number(v)] ?? Number(v);
    case "optional":
      return scalarJson(program, t.value, v);
    case "none":
      return null;
    default:
      return typeof v === "boolean" ? v : Number(v);
  }
}

/** Map keys as JSON object keys, per key type (types are shared objects of the layout). */
const keyTextCache = new WeakMap<CType, string[]>();
const valuesCache = new WeakMap<CType, ScalarJson[]>();

function keyTexts(t: CType): string[] {
  let k = keyTextCache.get(t);
  if (!k) {
    k = valuesOf(t).map(keyText);
    keyTextCache.set(t, k);
  }
  return k;
}

function valuesOf(t: CType): ScalarJson[] {
  let v = valuesCache.get(t);
  if (!v) {
    v = enumerate(t, "");
    valuesCache.set(t, v);
  }
  return v;
}

function valueJson(program: PackedProgram, t: CType, state: Work, at: { i: number }): Json {
  switch (t.kind) {
    case "map": {
      const out: Record<string, Json> = {};
      for (const k of keyTexts(t.key)) out[k] = valueJson(program, t.value, state, at);
      return out;
    }
    case "record": {
      const out: Record<string, Json> = {};
      for (const f of t.fields) out[f.name] = valueJson(program, f.type, state, at);
      return out;
    }
    case "set": {
      const mask = state[at.i++] ?? 0;
      return valuesOf(t.element).filter((_, i) => (mask >>> i) & 1);
    }
    default:
      return scalarJson(program, t, state[at.i++] ?? 0);
  }
}

/** The canonical JSON form of a working-form state (as the reference library's `toJson` writes it). */
export function stateJson(program: PackedProgram, state: Work): TraceState {
  const { layout } = program;
  const out: TraceState = {};
  for (const v of layout.variables) out[v.name] = valueJson(program, v.type, state, { i: v.offset });
  for (const p of layout.processes)
    for (const l of p.locals) {
      const at = { i: l.offset };
      const m: Record<string, Json> = {};
      for (const id of p.ids) m[keyText(id)] = valueJson(program, l.type, state, at);
      out[l.name] = m;
    }
  const pc: Record<string, Json> = {};
  for (const p of layout.processes) p.ids.forEach((id, i) => (pc[keyText(id)] = layout.strings[state[p.pcOffset + i] ?? 0] ?? null));
  out.pc = pc;
  return out;
}

function notOfType(where: string, j: Json): never {
  throw new EngineError("crash", `${where}: ${JSON.stringify(j)} is not a value of its type`);
}

function repOf(program: PackedProgram, t: CType, j: Json, where: string): number {
  switch (t.kind) {
    case "bool":
      return typeof j === "boolean" ? (j ? 1 : 0) : notOfType(where, j);
    case "int":
      return typeof j === "number" && Number.isSafeInteger(j) && j !== NONE && j >= -2147483648 && j <= 2147483647 ? j : notOfType(where, j);
    case "enum": {
      const id = typeof j === "string" && t.values.includes(j) ? program.layout.stringId.get(j) : undefined;
      return id ?? notOfType(where, j);
    }
    case "optional":
      return j === null ? NONE : repOf(program, t.value, j, where);
    default:
      return notOfType(where, j);
  }
}

function objectIn(where: string, j: Json): Record<string, Json> {
  if (j === null || typeof j !== "object" || Array.isArray(j)) throw new EngineError("crash", `${where}: expected an object, found ${JSON.stringify(j)}`);
  return j;
}

function fillValue(program: PackedProgram, t: CType, j: Json, state: Work, at: { i: number }, where: string): void {
  switch (t.kind) {
    case "map": {
      const o = objectIn(where, j);
      for (const k of keyTexts(t.key)) fillValue(program, t.value, o[k] ?? null, state, at, where);
      return;
    }
    case "record": {
      const o = objectIn(where, j);
      for (const f of t.fields) fillValue(program, f.type, o[f.name] ?? null, state, at, where);
      return;
    }
    case "set": {
      if (!Array.isArray(j)) throw new EngineError("crash", `${where}: expected a set, found ${JSON.stringify(j)}`);
      const values = valuesOf(t.element);
      let mask = 0;
      for (const x of j) {
        const i = values.findIndex((y) => y === x);
        if (i < 0) throw new EngineError("crash", `${where}: ${JSON.stringify(x)} is not an element of its type`);
        mask |= 1 << i;
      }
      state[at.i++] = mask;
      return;
    }
    default:
      state[at.i++] = repOf(program, t, j, where);
  }
}

/** A working-form state from the canonical JSON form. */
export function stateFromJson(program: PackedProgram, json: TraceState, state: Work = newState(program)): Work {
  const { layout } = program;
  state.fill(0);
  for (const v of layout.variables) fillValue(program, v.type, json[v.name] ?? null, state, { i: v.offset }, v.name);
  for (const p of layout.processes)
    for (const l of p.locals) {
      const at = { i: l.offset };
      const m = json[l.name];
      for (const id of p.ids) fillValue(program, l.type, m && typeof m === "object" && !Array.isArray(m) ? (m[keyText(id)] ?? null) : null, state, at, `${l.name}[${keyText(id)}]`);
    }
  const pc = json.pc;
  for (const p of layout.processes)
    p.ids.forEach((id, i) => {
      const label = pc && typeof pc === "object" && !Array.isArray(pc) ? pc[keyText(id)] : undefined;
      if (typeof label !== "string" || !p.labels.includes(label)) throw new EngineError("crash", `pc[${keyText(id)}]: ${JSON.stringify(label)} is not a label of process set ${p.name}`);
      state[p.pcOffset + i] = layout.stringId.get(label) ?? 0;
    });
  return state;
}

// ---------------------------------------------------------------------------------------------
// Transitions and crashes

/** The reference library's transition fields of an emission: step, process set, process, params. */
export function transitionOf(program: PackedProgram, site: number, self: number | boolean, P: Int32Array): Omit<Transition<unknown>, "next"> {
  const e = program.emits[site];
  if (!e) throw new Error(`no emission site ${site}`);
  const step = program.steps[e.step];
  if (!step) throw new Error(`no step ${e.step}`);
  const proc = program.layout.processes.find((p) => p.name === step.processSet);
  const params: Record<string, Json> = {};
  for (const p of e.params) params[p.key] = "branch" in p ? p.branch : scalarJson(program, p.type, P[p.slot] ?? 0);
  return { step: step.label, processSet: step.processSet, self: proc ? scalarJson(program, proc.idType, self) : Number(self), params };
}

export function isCrash(e: unknown): e is CrashThrown {
  return typeof e === "object" && e !== null && e.constructor?.name === "PackedCrash";
}

/** Contract 1's message for a crash thrown by compiled code: `<file>:<line>:<col>: <where>: <what> <value>`. */
export function crashError(program: PackedProgram, c: CrashThrown): EngineError {
  // A negative site is a store of a value that is not a 32-bit integer.
  const notInt = c.site < 0;
  const site: CrashSite | undefined = program.sites[notInt ? -1 - c.site : c.site];
  if (!site) return new EngineError("crash", `the compiled explorer stopped at an unknown site ${c.site}`);
  const value = notInt ? String(c.value) : JSON.stringify(scalarJson(program, site.valueType, c.value));
  const what = notInt ? `${site.target ?? "a variable"} would be ${value}, which is not a 32-bit integer (TLC's integers are 32-bit)` : site.message.replace("{value}", value);
  return new EngineError("crash", `${site.loc.file}:${site.loc.line}:${site.loc.column}: ${contextOf(program, site.context, c.step, c.self)}: ${what}`);
}

function contextOf(program: PackedProgram, context: string, step: number, self: number | boolean): string {
  const s = step >= 0 ? program.steps[step] : undefined;
  if (!s) return context;
  const proc = program.layout.processes.find((p) => p.name === s.processSet);
  const who = `process ${s.processSet} ${JSON.stringify(proc ? scalarJson(program, proc.idType, self) : self)}`;
  return context.startsWith("step ") ? `${context} (${who})` : `${context}, in step ${s.label} (${who})`;
}

/** Contract 1's message for a successor with an integer outside its range while TypeOK is not checked. */
export function outOfRangeError(program: PackedProgram, state: Work, emitSite: number, self: number | boolean): EngineError {
  const site = program.sites[(state[program.layout.width] ?? 1) - 1];
  const value = state[program.layout.width + 1] ?? 0;
  const step = program.emits[emitSite]?.step ?? -1;
  if (!site) return new EngineError("crash", "an integer left its range");
  const where = `${site.loc.file}:${site.loc.line}:${site.loc.column}: ${contextOf(program, site.context, step, self)}`;
  return new EngineError(
    "crash",
    `${where}: ${site.message.replace("{value}", String(value))}. The compiled explorer cannot hold it; check TypeOK to have it reported as a violation (as TLC does), or widen the range.`,
  );
}

// ---------------------------------------------------------------------------------------------
// The compiled form as a ReferenceModel

/**
 * The compiled program behind the `ReferenceModel` interface (states are working-form arrays): for
 * conformance against tla-checker and the readable library, and for replaying traces.
 */
export function packedReferenceModel(program: PackedProgram, name: string, source: string, variantName: string | null, constants: ConstantValues): ReferenceModel<Work> {
  let out: Transition<Work>[] = [];
  const mod = instantiate(program, (state, site, self) => {
    const t = transitionOf(program, site, self, mod.P);
    out.push({ ...t, next: Int32Array.from(state) });
  });
  const run = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (isCrash(e)) throw crashError(program, e);
      throw e;
    }
  };
  const check = (c: ConstantValues) => {
    if (c !== constants && JSON.stringify(c) !== JSON.stringify(constants)) throw new Error("a compiled model is bound to the constants it was compiled for");
  };
  const variant = {
    name: variantName,
    init: (c: ConstantValues) => {
      check(c);
      const s = newState(program);
      run(() => mod.init(s));
      return [s];
    },
    successors: (state: Work, c: ConstantValues) => {
      check(c);
      out = [];
      run(() => mod.successors(state));
      return out;
    },
  };
  return {
    name,
    source,
    configs: {},
    variants: [variant],
    init: variant.init,
    invariants: [
      { name: "TypeOK", holds: (s) => s[program.layout.width] === 0 || mod.inRange(s) },
      ...program.invariants.map((inv, k) => ({ name: inv.name, holds: (s: Work) => run(() => mod.invariants[k]?.(s) ?? true) })),
    ],
    toJson: (s) => stateJson(program, s),
    fromJson: (json) => stateFromJson(program, json),
    steps: program.steps.map((s) => ({ label: s.label, processSet: s.processSet, line: s.loc.line, column: s.loc.column })),
  };
}
