/**
 * An interpreter of IR expressions over states in their canonical JSON form (`TraceState`): maps are
 * objects keyed by the key's text, records objects, sets sorted arrays, none null.
 *
 * Trace presentation uses it to evaluate story placeholders and to find which part of an invariant is
 * false in the last state of a counterexample. It follows the reference library's semantics (TLA+'s
 * integer `\div` and `%`, total maps over whole domains); a test checks that it agrees with the
 * reference library's invariants on every reachable state of several specs. It never decides a
 * verdict: engines do, and an explanation whose evaluation disagrees with them is dropped.
 */
import type { Expr, Process, Spec, Type } from "../generator/ir.ts";
import type { ConstantValues } from "../engines/model.ts";
import type { Json, TraceState } from "../engines/result.ts";
import { canonicalString, compareJson, resolveType } from "../engines/state-json.ts";

/** What an expression is evaluated against. */
export interface EvalEnv {
  spec: Spec;
  constants: ConstantValues;
  /** The state read by variables, locals and pc (for a step: the state after it). */
  state: TraceState;
  /** The state before the step, read by `old(…)` in story templates. */
  before?: TraceState;
  /** The executing process (for `self` and process-local variables). */
  self?: Json;
  process?: Process;
  /** Names bound by quantifiers, lambdas, helper parameters or a step's choices. */
  bound: ReadonlyMap<string, Json>;
}

export class EvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalError";
  }
}

/** The name story templates use for `old(e)`: e evaluated in the state before the step. */
export const OLD = "#old";
/** `hex(n)` in story templates: an integer in hexadecimal (`0xFFFF`). */
export const HEX = "#hex";

const domainCache = new WeakMap<Spec, WeakMap<ConstantValues, Map<string, Json[]>>>();

export const keyText = (k: Json): string => (typeof k === "string" ? k : typeof k === "number" || typeof k === "boolean" ? String(k) : canonicalString(k));

const equal = (a: Json, b: Json): boolean =>
  a === b || (a !== null && b !== null && typeof a === "object" && typeof b === "object" && canonicalString(a) === canonicalString(b));

function sortedSet(xs: Json[]): Json[] {
  const sorted = [...xs].sort(compareJson);
  return sorted.filter((x, i) => i === 0 || compareJson(sorted[i - 1] as Json, x) !== 0);
}

const asNumber = (v: Json, what: string): number => {
  if (typeof v !== "number") throw new EvalError(`${what} is not an integer (${canonicalString(v)})`);
  return v;
};
const asBool = (v: Json, what: string): boolean => {
  if (typeof v !== "boolean") throw new EvalError(`${what} is not a boolean (${canonicalString(v)})`);
  return v;
};
const asSet = (v: Json, what: string): Json[] => {
  if (!Array.isArray(v)) throw new EvalError(`${what} is not a set (${canonicalString(v)})`);
  return v;
};
const asObject = (v: Json, what: string): Record<string, Json> => {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new EvalError(`${what} is not a map or record (${canonicalString(v)})`);
  return v;
};

/** The values of a type, sorted as the reference library enumerates them. */
export function typeValues(spec: Spec, t: Type, constants: ConstantValues): Json[] {
  const env: EvalEnv = { spec, constants, state: {}, bound: new Map() };
  const r = resolveType(spec, t);
  switch (r.kind) {
    case "bool":
      return [false, true];
    case "int": {
      const lo = asNumber(evaluate(r.lo, env), "a range bound");
      const hi = asNumber(evaluate(r.hi, env), "a range bound");
      return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
    }
    case "enum":
      return sortedSet(r.values);
    case "optional":
      return [null, ...typeValues(spec, r.value, constants)];
    case "record": {
      let out: Record<string, Json>[] = [{}];
      for (const f of r.fields) {
        const vs = typeValues(spec, f.type, constants);
        out = out.flatMap((o) => vs.map((v) => ({ ...o, [f.name]: v })));
      }
      return out;
    }
    case "set": {
      const elems = typeValues(spec, r.element, constants);
      const out: Json[][] = [[]];
      for (const e of elems) for (const s of [...out]) out.push([...s, e]);
      return sortedSet(out.map(sortedSet));
    }
    case "map": {
      const keys = typeValues(spec, r.key, constants);
      const vals = typeValues(spec, r.value, constants);
      let out: Record<string, Json>[] = [{}];
      for (const k of keys) out = out.flatMap((o) => vals.map((v) => ({ ...o, [keyText(k)]: v })));
      return out;
    }
    case "seq": {
      const elems = typeValues(spec, r.element, constants);
      const max = asNumber(evaluate(r.maxLen, env), "a sequence's length bound");
      const out: Json[][] = [[]];
      let level: Json[][] = [[]];
      for (let n = 1; n <= max; n++) {
        level = level.flatMap((prefix) => elems.map((e) => [...prefix, e]));
        out.push(...level);
      }
      return out;
    }
    case "tuple": {
      let out: Json[][] = [[]];
      for (const x of r.elements) {
        const vs = typeValues(spec, x, constants);
        out = out.flatMap((prefix) => vs.map((v) => [...prefix, v]));
      }
      return out;
    }
    case "frame":
      throw new EvalError("a stack frame is not a domain");
    case "named":
      throw new EvalError("unreachable");
  }
}

const asSeq = (v: Json, what: string): Json[] => {
  if (!Array.isArray(v)) throw new EvalError(`${what} is not a sequence (${canonicalString(v)})`);
  return v;
};

function position(seq: Json[], i: number, what: string): number {
  if (!Number.isInteger(i) || i < 0 || i >= seq.length) throw new EvalError(`position ${i} of ${what} of length ${seq.length}`);
  return i;
}

/** `env` with one more bound name (a module-level function: evaluation makes no closures, it is hot). */
function withName(env: EvalEnv, name: string, value: Json): EvalEnv {
  return { ...env, bound: new Map(env.bound).set(name, value) };
}

export function evaluate(e: Expr, env: EvalEnv): Json {
  switch (e.kind) {
    case "bool":
    case "int":
    case "string":
      return e.value;
    case "none":
      return null;
    case "var": {
      if (!(e.name in env.state)) throw new EvalError(`the state has no variable ${e.name}`);
      return env.state[e.name] ?? null;
    }
    case "local": {
      if (env.self === undefined) throw new EvalError(`the local ${e.name} is read outside a step`);
      return asObject(env.state[e.name] ?? null, e.name)[keyText(env.self)] ?? null;
    }
    case "self":
      if (env.self === undefined) throw new EvalError("self is read outside a step");
      return env.self;
    case "const":
      if (!(e.name in env.constants)) throw new EvalError(`the constant ${e.name} is not bound`);
      return env.constants[e.name] ?? null;
    case "bound": {
      if (!env.bound.has(e.name)) throw new EvalError(`${e.name} is not bound here`);
      return env.bound.get(e.name) ?? null;
    }
    case "domain":
      return domainValues(e.name, env);
    case "pc":
      return asObject(env.state.pc ?? null, "pc")[keyText(evaluate(e.process, env))] ?? null;
    case "index": {
      const base = asObject(evaluate(e.base, env), "the indexed value");
      const k = keyText(evaluate(e.index, env));
      if (!(k in base)) throw new EvalError(`key ${k} is outside the map's domain`);
      return base[k] ?? null;
    }
    case "field": {
      const base = asObject(evaluate(e.base, env), `the value whose field ${e.field} is read`);
      if (!(e.field in base)) throw new EvalError(`no field ${e.field}`);
      return base[e.field] ?? null;
    }
    case "not":
      return !asBool(evaluate(e.arg, env), "the operand of !");
    case "neg":
      return -asNumber(evaluate(e.arg, env), "the operand of -");
    case "binary":
      return binary(e.op, e.left, e.right, env);
    case "ite":
      return asBool(evaluate(e.cond, env), "a condition") ? evaluate(e.then, env) : evaluate(e.else, env);
    case "quant": {
      const forall = e.quantifier === "forall";
      for (const x of asSet(evaluate(e.set, env), "a quantifier's set"))
        if (asBool(evaluate(e.body, withName(env, e.name, x)), "a quantifier's body") !== forall) return !forall;
      return forall;
    }
    case "fn": {
      const out: Record<string, Json> = {};
      for (const x of asSet(evaluate(e.set, env), "a mapping's domain")) out[keyText(x)] = evaluate(e.body, withName(env, e.name, x));
      return out;
    }
    case "count":
    case "filter": {
      const kept: Json[] = [];
      for (const x of asSet(evaluate(e.set, env), `a ${e.kind}'s set`)) if (asBool(evaluate(e.body, withName(env, e.name, x)), `a ${e.kind}'s predicate`)) kept.push(x);
      return e.kind === "count" ? kept.length : kept;
    }
    case "record": {
      const out: Record<string, Json> = {};
      for (const f of e.fields) out[f.name] = evaluate(f.value, env);
      return out;
    }
    case "setOf":
      return sortedSet(e.elements.map((x) => evaluate(x, env)));
    case "range":
      return intRange(asNumber(evaluate(e.lo, env), "a range bound"), asNumber(evaluate(e.hi, env), "a range bound"));
    case "size":
      return asSet(evaluate(e.set, env), "the operand of size").length;
    case "typeSet":
      return typeValues(env.spec, e.type, env.constants);
    case "call":
      return call(e.name, e.args, env);
    case "model":
      return e.name;
    case "locals":
      return asObject(env.state[e.name] ?? null, e.name);
    case "anyOf":
      throw new EvalError("anyOf(…) is an initial value, not an expression");
    case "tuple":
      return e.elements.map((x) => evaluate(x, env));
    case "at": {
      const seq = asSeq(evaluate(e.seq, env), "the sequence");
      return seq[position(seq, asNumber(evaluate(e.index, env), "a position"), "the sequence")] ?? null;
    }
    case "len":
      return asSeq(evaluate(e.seq, env), "the operand of len").length;
    case "head": {
      const seq = asSeq(evaluate(e.seq, env), "the operand of head");
      return seq[position(seq, 0, "head's operand")] ?? null;
    }
    case "tail": {
      const seq = asSeq(evaluate(e.seq, env), "the operand of tail");
      position(seq, 0, "tail's operand");
      return seq.slice(1);
    }
    case "append":
      return [...asSeq(evaluate(e.seq, env), "the operand of append"), evaluate(e.value, env)];
    case "concat":
      return [...asSeq(evaluate(e.left, env), "an operand of concat"), ...asSeq(evaluate(e.right, env), "an operand of concat")];
    case "subSeq": {
      const seq = asSeq(evaluate(e.seq, env), "the operand of subSeq");
      const from = asNumber(evaluate(e.from, env), "subSeq's from");
      const to = asNumber(evaluate(e.to, env), "subSeq's to");
      if (from < 0 || to > seq.length || from > to) throw new EvalError(`subSeq from ${from} to ${to} of a sequence of length ${seq.length}`);
      return seq.slice(from, to);
    }
  }
}

function intRange(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}

/** A named domain's values; they depend only on the constants, so each is enumerated once per configuration. */
function domainValues(name: string, env: EvalEnv): Json[] {
  let bySpec = domainCache.get(env.spec);
  if (!bySpec) domainCache.set(env.spec, (bySpec = new WeakMap()));
  let cache = bySpec.get(env.constants);
  if (!cache) bySpec.set(env.constants, (cache = new Map()));
  const known = cache.get(name);
  if (known) return known;
  const d = env.spec.domains.find((x) => x.name === name);
  if (!d) throw new EvalError(`unknown domain ${name}`);
  const values = typeValues(env.spec, d.type, env.constants);
  cache.set(name, values);
  return values;
}

function call(name: string, args: Expr[], env: EvalEnv): Json {
  if (name === OLD) {
    if (!env.before) throw new EvalError("old(…) is read where there is no previous state");
    return evaluate(args[0] ?? { kind: "none" }, { ...env, state: env.before });
  }
  if (name === HEX) {
    const n = asNumber(evaluate(args[0] ?? { kind: "none" }, env), "the operand of hex");
    return `0x${n.toString(16).toUpperCase()}`;
  }
  const def = env.spec.definitions.find((d) => d.name === name);
  if (!def) throw new EvalError(`unknown helper ${name}`);
  if (def.params.length !== args.length) throw new EvalError(`${name} takes ${def.params.length} arguments`);
  // A helper sees only its parameters (and the state), not the caller's bound names.
  const bound = new Map<string, Json>();
  for (let i = 0; i < def.params.length; i++) bound.set(def.params[i] as string, evaluate(args[i] as Expr, env));
  return evaluate(def.body, { ...env, bound });
}

function binary(op: Extract<Expr, { kind: "binary" }>["op"], left: Expr, right: Expr, env: EvalEnv): Json {
  if (op === "and") return asBool(evaluate(left, env), "an operand of &&") && asBool(evaluate(right, env), "an operand of &&");
  if (op === "or") return asBool(evaluate(left, env), "an operand of ||") || asBool(evaluate(right, env), "an operand of ||");
  if (op === "implies") return !asBool(evaluate(left, env), "the premise of implies") || asBool(evaluate(right, env), "the conclusion of implies");
  const l = evaluate(left, env);
  const r = evaluate(right, env);
  switch (op) {
    case "eq":
      return equal(l, r);
    case "neq":
      return !equal(l, r);
    case "in":
      return asSet(r, "the right of in").some((x) => equal(x, l));
    case "union":
      return sortedSet([...asSet(l, "an operand of union"), ...asSet(r, "an operand of union")]);
    case "minus": {
      const b = asSet(r, "an operand of minus");
      return asSet(l, "an operand of minus").filter((x) => !b.some((y) => equal(x, y)));
    }
    case "intersect": {
      const b = asSet(r, "an operand of intersect");
      return asSet(l, "an operand of intersect").filter((x) => b.some((y) => equal(x, y)));
    }
    default:
      return arithmetic(op, asNumber(l, `an operand of ${op}`), asNumber(r, `an operand of ${op}`));
  }
}

function arithmetic(op: Extract<Expr, { kind: "binary" }>["op"], a: number, b: number): Json {
  switch (op) {
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "add":
      return a + b;
    case "sub":
      return a - b;
    case "mul":
      return a * b;
    case "div":
      if (b <= 0) throw new EvalError("TLA+ defines \\div for a positive divisor only");
      return Math.floor(a / b);
    case "mod": {
      if (b <= 0) throw new EvalError("TLA+ defines % for a positive divisor only");
      const m = a % b;
      return m < 0 ? m + b : m;
    }
    default:
      throw new EvalError(`${op} is not an arithmetic operator`);
  }
}
