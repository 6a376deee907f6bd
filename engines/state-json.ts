/**
 * States in their canonical JSON form (see `TraceState`), and conversions from what each TLA+ engine
 * prints. The conversions are directed by the spec's types: TLA+ prints a function over 1..n as a
 * tuple and a function over strings as a record, so only the type says what a value is.
 */
import type { Spec, Type } from "../generator/ir.ts";
import { frameType, modelValueNames, stackDepth } from "../generator/ir-walk.ts";
import type { ConstantValues } from "./model.ts";
import type { Json, TraceState } from "./result.ts";
import type { TlaValue } from "./tla-value.ts";

/** Total order on canonical values, used to sort sets and compare states. */
export function compareJson(a: Json, b: Json): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const sa = canonicalString(a);
  const sb = canonicalString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** JSON text with object keys sorted: equal values give equal text. */
export function canonicalString(v: Json): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalString).join(",")}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalString(v[k] ?? null)}`)
    .join(",")}}`;
}

/**
 * A value with every set (by the type) in the canonical order of `compareJson`, at any depth. Each
 * side of a comparison lists a set in its own order (the reference library by its value order, the
 * TLA+ engines by theirs); two states are the same when their normalized forms are.
 */
export function normalizeJson(spec: Spec, type: Type, v: Json): Json {
  const t = resolveType(spec, type);
  if (v === null || typeof v !== "object") return v;
  switch (t.kind) {
    case "set":
      return Array.isArray(v) ? v.map((x) => normalizeJson(spec, t.element, x)).sort(compareJson) : v;
    case "optional":
      return normalizeJson(spec, t.value, v);
    case "record": {
      if (Array.isArray(v)) return v;
      const out: Record<string, Json> = { ...v };
      for (const f of t.fields) if (f.name in v) out[f.name] = normalizeJson(spec, f.type, v[f.name] ?? null);
      return out;
    }
    case "map": {
      if (Array.isArray(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeJson(spec, t.value, x)]));
    }
    case "seq":
      return Array.isArray(v) ? v.map((x) => normalizeJson(spec, t.element, x)) : v;
    case "tuple":
      return Array.isArray(v) ? v.map((x, i) => normalizeJson(spec, t.elements[i] ?? t.elements[0] ?? { kind: "bool" }, x)) : v;
    case "frame": {
      if (Array.isArray(v)) return v;
      const fields = frameFields(t, v["procedure"] ?? null);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fields.has(k) ? normalizeJson(spec, fields.get(k) as Type, x) : x]));
    }
    default:
      return v;
  }
}

/** A state with every set in canonical order (see `normalizeJson`). */
export function normalizeState(spec: Spec, state: TraceState): TraceState {
  const types = stateTypes(spec);
  return Object.fromEntries(Object.entries(state).map(([name, v]) => [name, types.has(name) ? normalizeJson(spec, types.get(name) as Type, v) : v]));
}

/** A key that two sides' JSON forms of one state share, whatever order each lists its sets in. */
export function stateKey(spec: Spec, state: TraceState): string {
  return canonicalString(normalizeState(spec, state));
}

/** The type of every state key of a spec: variables, process-local variables (as maps), and pc. */
export function stateTypes(spec: Spec): Map<string, Type> {
  const types = new Map<string, Type>();
  for (const v of spec.variables) types.set(v.name, v.type);
  for (const p of spec.processes)
    for (const l of p.locals) types.set(l.name, { kind: "map", key: { kind: "named", name: p.over }, value: l.type });
  // pc's keys are process identities of any set; its values are labels. Without processes, no pc.
  const anyProcess: Type = { kind: "enum", values: [] };
  // Procedure parameters and locals are variables of every process, and so is its stack of frames.
  for (const p of spec.procedures) for (const v of [...p.params, ...p.locals]) types.set(v.name, { kind: "map", key: anyProcess, value: v.type });
  if (spec.procedures.length > 0)
    types.set("stack", {
      kind: "map",
      key: anyProcess,
      value: { kind: "seq", element: frameType(spec), maxLen: { kind: "int", value: stackDepth(spec) } },
    });
  if (spec.processes.length > 0) types.set("pc", { kind: "map", key: anyProcess, value: { kind: "enum", values: [] } });
  return types;
}

/** Resolves named domains so conversions can look inside them. */
export function resolveType(spec: Spec, t: Type): Type {
  if (t.kind !== "named") return t;
  const d = spec.domains.find((x) => x.name === t.name);
  if (!d) throw new Error(`unknown domain ${t.name}`);
  return resolveType(spec, d.type);
}

// ---------------------------------------------------------------------------------------------
// tla-checker's JSON: records as objects, sets as arrays, {"__fn": [[k, v]]}, {"__tuple": […]},
// {"__model": name}

type CheckerJson = Json;

const modelValueCache = new WeakMap<Spec, Set<string>>();

/**
 * The spec's model values. A name of one is that model value wherever it appears (pc's keys included,
 * whose type says only "a process identity"): the front end keeps them apart from every tag.
 */
function modelValuesOf(spec: Spec): Set<string> {
  let names = modelValueCache.get(spec);
  if (!names) {
    names = new Set(modelValueNames(spec));
    modelValueCache.set(spec, names);
  }
  return names;
}

/** tla-checker writes a model value as {"__model": name}; the canonical form is its name. */
function modelName(v: CheckerJson): Json {
  if (v && typeof v === "object" && !Array.isArray(v) && typeof v["__model"] === "string") return v["__model"];
  return v;
}

function entriesOfChecker(v: CheckerJson): [Json, Json][] {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const fn = v["__fn"];
    if (Array.isArray(fn)) return fn.map((e) => (Array.isArray(e) ? [e[0] ?? null, e[1] ?? null] : [null, null]));
    const tuple = v["__tuple"];
    if (Array.isArray(tuple)) return tuple.map((x, i) => [i + 1, x]);
    return Object.entries(v);
  }
  if (Array.isArray(v)) return v.map((x, i) => [i + 1, x]); // an empty function prints as {} / <<>>
  throw new Error(`expected a function, got ${JSON.stringify(v)}`);
}

export function fromChecker(spec: Spec, type: Type, v: CheckerJson): Json {
  const t = resolveType(spec, type);
  switch (t.kind) {
    case "bool":
    case "int":
      return v;
    case "enum":
      return modelName(v);
    case "optional":
      return v && typeof v === "object" && !Array.isArray(v) && v["__model"] === "NoValue" ? null : fromChecker(spec, t.value, v);
    case "set":
      if (!Array.isArray(v)) throw new Error(`expected a set, got ${JSON.stringify(v)}`);
      return v.map((x) => fromChecker(spec, t.element, x)).sort(compareJson);
    case "record": {
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`expected a record, got ${JSON.stringify(v)}`);
      const out: Record<string, Json> = {};
      for (const f of t.fields) out[f.name] = fromChecker(spec, f.type, v[f.name] ?? null);
      return out;
    }
    case "map": {
      const out: Record<string, Json> = {};
      for (const [k, x] of entriesOfChecker(v)) out[String(modelName(k))] = fromChecker(spec, t.value, x);
      return out;
    }
    case "seq":
      return sequenceEntries(entriesOfChecker(v)).map((x) => fromChecker(spec, t.element, x));
    case "tuple":
      return sequenceEntries(entriesOfChecker(v)).map((x, i) => fromChecker(spec, elementType(t, i), x));
    case "frame": {
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`expected a stack frame, got ${JSON.stringify(v)}`);
      const fields = frameFields(t, v["procedure"] ?? null);
      return Object.fromEntries([...fields].map(([name, ft]) => [name, fromChecker(spec, ft, v[name] ?? null)]));
    }
    case "named":
      throw new Error("unreachable");
  }
}

/** The fields of a stack frame of the procedure it names (`procedure` and `pc` are strings). */
function frameFields(t: Extract<Type, { kind: "frame" }>, procedure: Json): Map<string, Type> {
  const p = t.procedures.find((x) => x.name === procedure);
  if (!p) throw new Error(`a stack frame of an unknown procedure ${JSON.stringify(procedure)}`);
  const tag: Type = { kind: "enum", values: [] };
  return new Map<string, Type>([["procedure", tag], ["pc", tag], ...p.fields.map((f): [string, Type] => [f.name, f.type])]);
}

/** A sequence's elements from its (position, element) pairs: positions 1..n, in order. */
function sequenceEntries<V>(entries: [Json, V][]): V[] {
  const sorted = [...entries].sort((a, b) => Number(a[0]) - Number(b[0]));
  sorted.forEach(([k], i) => {
    if (Number(k) !== i + 1) throw new Error(`expected a sequence, got a function with domain element ${JSON.stringify(k)}`);
  });
  return sorted.map(([, x]) => x);
}

function elementType(t: Extract<Type, { kind: "tuple" }>, i: number): Type {
  const e = t.elements[i];
  if (!e) throw new Error(`a tuple of ${t.elements.length} has no element ${i + 1}`);
  return e;
}

/** A canonical value as tla-checker's JSON, to feed a state back into `explore_next`. */
export function toChecker(spec: Spec, type: Type, v: Json): CheckerJson {
  const t = resolveType(spec, type);
  switch (t.kind) {
    case "bool":
    case "int":
      return v;
    case "enum":
      return t.model || (typeof v === "string" && modelValuesOf(spec).has(v)) ? { __model: String(v) } : v;
    case "optional":
      return v === null ? { __model: "NoValue" } : toChecker(spec, t.value, v);
    case "set":
      return (v as Json[]).map((x) => toChecker(spec, t.element, x));
    case "record": {
      const obj = v as Record<string, Json>;
      const out: Record<string, Json> = {};
      for (const f of t.fields) out[f.name] = toChecker(spec, f.type, obj[f.name] ?? null);
      return out;
    }
    case "map": {
      const key = resolveType(spec, t.key);
      const obj = v as Record<string, Json>;
      const keyOf = (k: string): Json =>
        key.kind === "bool" ? k === "true" : modelValuesOf(spec).has(k) ? { __model: k } : key.kind === "int" || /^-?\d+$/.test(k) ? Number(k) : k;
      return { __fn: Object.entries(obj).map(([k, x]) => [keyOf(k), toChecker(spec, t.value, x)]) };
    }
    case "seq":
      return { __tuple: (v as Json[]).map((x) => toChecker(spec, t.element, x)) };
    case "tuple":
      return { __tuple: (v as Json[]).map((x, i) => toChecker(spec, elementType(t, i), x)) };
    case "frame": {
      const obj = v as Record<string, Json>;
      const fields = frameFields(t, obj["procedure"] ?? null);
      return Object.fromEntries([...fields].map(([name, ft]) => [name, toChecker(spec, ft, obj[name] ?? null)]));
    }
    case "named":
      throw new Error("unreachable");
  }
}

export function stateFromChecker(spec: Spec, json: Record<string, Json>): TraceState {
  const types = stateTypes(spec);
  const out: TraceState = {};
  for (const [name, type] of types) out[name] = fromChecker(spec, type, json[name] ?? null);
  return out;
}

export function stateToChecker(spec: Spec, state: TraceState): Record<string, Json> {
  const types = stateTypes(spec);
  const out: Record<string, Json> = {};
  for (const [name, type] of types) out[name] = toChecker(spec, type, state[name] ?? null);
  return out;
}

// ---------------------------------------------------------------------------------------------
// TLC's printed values (parsed by tla-value.ts)

function entriesOfTla(v: TlaValue): [Json, TlaValue][] {
  switch (v.kind) {
    case "fn":
      return v.entries.map((e) => [fromTlaPlain(e.key), e.value]);
    case "seq":
      return v.elements.map((x, i) => [i + 1, x]);
    case "record":
      return v.fields.map((f) => [f.name, f.value]);
    case "set":
      if (v.elements.length === 0) return [];
      break;
    default:
      break;
  }
  throw new Error(`expected a function value, got ${v.kind}`);
}

function fromTlaPlain(v: TlaValue): Json {
  switch (v.kind) {
    case "bool":
    case "int":
    case "string":
      return v.value;
    case "model":
      return v.name === "NoValue" ? null : v.name;
    default:
      throw new Error(`expected a simple value, got ${v.kind}`);
  }
}

export function fromTla(spec: Spec, type: Type, v: TlaValue): Json {
  const t = resolveType(spec, type);
  switch (t.kind) {
    case "bool":
    case "int":
    case "enum":
      return fromTlaPlain(v);
    case "optional":
      return v.kind === "model" && v.name === "NoValue" ? null : fromTla(spec, t.value, v);
    case "set":
      if (v.kind !== "set" && !(v.kind === "seq" && v.elements.length === 0)) throw new Error(`expected a set, got ${v.kind}`);
      return (v.kind === "set" ? v.elements : []).map((x) => fromTla(spec, t.element, x)).sort(compareJson);
    case "record": {
      const fields = new Map(entriesOfTla(v).map(([k, x]) => [String(k), x]));
      const out: Record<string, Json> = {};
      for (const f of t.fields) {
        const x = fields.get(f.name);
        if (!x) throw new Error(`record lacks field ${f.name}`);
        out[f.name] = fromTla(spec, f.type, x);
      }
      return out;
    }
    case "map": {
      const out: Record<string, Json> = {};
      for (const [k, x] of entriesOfTla(v)) out[String(k)] = fromTla(spec, t.value, x);
      return out;
    }
    case "seq":
      return sequenceEntries(entriesOfTla(v)).map((x) => fromTla(spec, t.element, x));
    case "tuple":
      return sequenceEntries(entriesOfTla(v)).map((x, i) => fromTla(spec, elementType(t, i), x));
    case "frame": {
      const entries = new Map(entriesOfTla(v).map(([k, x]) => [String(k), x]));
      const procedure = entries.get("procedure");
      const fields = frameFields(t, procedure ? fromTlaPlain(procedure) : null);
      return Object.fromEntries(
        [...fields].map(([name, ft]) => {
          const x = entries.get(name);
          if (!x) throw new Error(`stack frame lacks field ${name}`);
          return [name, fromTla(spec, ft, x)];
        }),
      );
    }
    case "named":
      throw new Error("unreachable");
  }
}

export function stateFromTla(spec: Spec, variables: { name: string; value: TlaValue }[]): TraceState {
  const types = stateTypes(spec);
  const out: TraceState = {};
  for (const { name, value } of variables) {
    const type = types.get(name);
    if (type) out[name] = fromTla(spec, type, value);
  }
  return out;
}

/** The constants of a configuration as plain JSON. */
export function constantValues(spec: Spec, config: string): ConstantValues {
  const c = spec.configs.find((x) => x.name === config);
  if (!c) throw new Error(`unknown configuration ${config}`);
  return Object.fromEntries(c.constants.map((k) => [k.name, k.value]));
}
