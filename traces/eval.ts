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

export const keyText = (k: Json): string => (typeof k === "string" ? k : canonicalString(k));

const equal = (a: Json, b: Json): boolean => canonicalString(a) === canonicalString(b);

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
    case "named":
      throw new EvalError("unreachable");
  }
}

export function evaluate(e: Expr, env: EvalEnv): Json {
  const ev = (x: Expr) => evaluate(x, env);
  const within = (name: string, value: Json, body: Expr) => evaluate(body, { ...env, bound: new Map([...env.bound, [name, value]]) });
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
    case "domain": {
      const d = env.spec.domains.find((x) => x.name === e.name);
      if (!d) throw new EvalError(`unknown domain ${e.name}`);
      return typeValues(env.spec, d.type, env.constants);
    }
    case "pc":
      return asObject(env.state.pc ?? null, "pc")[keyText(ev(e.process))] ?? null;
    case "index": {
      const base = asObject(ev(e.base), "the indexed value");
      const k = keyText(ev(e.index));
      if (!(k in base)) throw new EvalError(`key ${k} is outside the map's domain`);
      return base[k] ?? null;
    }
    case "field": {
      const base = asObject(ev(e.base), `the value whose field ${e.field} is read`);
      if (!(e.field in base)) throw new EvalError(`no field ${e.field}`);
      return base[e.field] ?? null;
    }
    case "not":
      return !asBool(ev(e.arg), "the operand of !");
    case "neg":
      return -asNumber(ev(e.arg), "the operand of -");
    case "binary":
      return binary(e.op, e.left, e.right, env);
    case "ite":
      return asBool(ev(e.cond), "a condition") ? ev(e.then) : ev(e.else);
    case "quant": {
      const set = asSet(ev(e.set), "a quantifier's set");
      const test = (x: Json) => asBool(within(e.name, x, e.body), "a quantifier's body");
      return e.quantifier === "forall" ? set.every(test) : set.some(test);
    }
    case "fn": {
      const out: Record<string, Json> = {};
      for (const x of asSet(ev(e.set), "a mapping's domain")) out[keyText(x)] = within(e.name, x, e.body);
      return out;
    }
    case "count":
      return asSet(ev(e.set), "a count's set").filter((x) => asBool(within(e.name, x, e.body), "a count's predicate")).length;
    case "filter":
      return asSet(ev(e.set), "a filter's set").filter((x) => asBool(within(e.name, x, e.body), "a filter's predicate"));
    case "record":
      return Object.fromEntries(e.fields.map((f) => [f.name, ev(f.value)]));
    case "setOf":
      return sortedSet(e.elements.map(ev));
    case "range": {
      const lo = asNumber(ev(e.lo), "a range bound");
      const hi = asNumber(ev(e.hi), "a range bound");
      return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
    }
    case "size":
      return asSet(ev(e.set), "the operand of size").length;
    case "typeSet":
      return typeValues(env.spec, e.type, env.constants);
    case "call":
      return call(e.name, e.args, env);
  }
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
  const bound = new Map(def.params.map((p, i) => [p, evaluate(args[i] as Expr, env)] as const));
  return evaluate(def.body, { ...env, bound });
}

function binary(op: Extract<Expr, { kind: "binary" }>["op"], left: Expr, right: Expr, env: EvalEnv): Json {
  const l = () => evaluate(left, env);
  const r = () => evaluate(right, env);
  const num = (v: Json) => asNumber(v, `an operand of ${op}`);
  switch (op) {
    case "and":
      return asBool(l(), "an operand of &&") && asBool(r(), "an operand of &&");
    case "or":
      return asBool(l(), "an operand of ||") || asBool(r(), "an operand of ||");
    case "implies":
      return !asBool(l(), "the premise of implies") || asBool(r(), "the conclusion of implies");
    case "eq":
      return equal(l(), r());
    case "neq":
      return !equal(l(), r());
    case "lt":
      return num(l()) < num(r());
    case "le":
      return num(l()) <= num(r());
    case "gt":
      return num(l()) > num(r());
    case "ge":
      return num(l()) >= num(r());
    case "add":
      return num(l()) + num(r());
    case "sub":
      return num(l()) - num(r());
    case "mul":
      return num(l()) * num(r());
    case "div": {
      const b = num(r());
      if (b <= 0) throw new EvalError("TLA+ defines \\div for a positive divisor only");
      return Math.floor(num(l()) / b);
    }
    case "mod": {
      const b = num(r());
      if (b <= 0) throw new EvalError("TLA+ defines % for a positive divisor only");
      const m = num(l()) % b;
      return m < 0 ? m + b : m;
    }
    case "in":
      return asSet(r(), "the right of in").some((x) => equal(x, l()));
    case "union":
      return sortedSet([...asSet(l(), "an operand of union"), ...asSet(r(), "an operand of union")]);
    case "minus": {
      const b = asSet(r(), "an operand of minus");
      return asSet(l(), "an operand of minus").filter((x) => !b.some((y) => equal(x, y)));
    }
    case "intersect": {
      const b = asSet(r(), "an operand of intersect");
      return asSet(l(), "an operand of intersect").filter((x) => b.some((y) => equal(x, y)));
    }
  }
}
