/**
 * Counterexamples in the Informal Trace Format (ITF, the JSON trace format of Apalache and Quint), so
 * other tools can read raidspec's traces. Integers are {"#bigint"}, sets {"#set"}, maps {"#map"},
 * records plain objects; the spec's types say which is which.
 */
import type { Spec, Type } from "../generator/ir.ts";
import type { CheckResult, Json } from "./result.ts";
import { resolveType, stateTypes } from "./state-json.ts";

type Itf = null | boolean | number | string | Itf[] | { [key: string]: Itf };

function keyToItf(spec: Spec, keyType: Type, key: string): Itf {
  const t = resolveType(spec, keyType);
  if (t.kind === "bool") return key === "true";
  if (t.kind === "int" || (t.kind === "enum" && t.values.length === 0 && /^-?\d+$/.test(key))) return { "#bigint": key };
  return key;
}

export function valueToItf(spec: Spec, type: Type, v: Json): Itf {
  const t = resolveType(spec, type);
  switch (t.kind) {
    case "bool":
    case "enum":
      return v as Itf;
    case "int":
      return { "#bigint": String(v) };
    case "optional":
      return v === null ? { "#unserializable": "NoValue" } : valueToItf(spec, t.value, v);
    case "set":
      return { "#set": (v as Json[]).map((x) => valueToItf(spec, t.element, x)) };
    case "record": {
      const obj = v as Record<string, Json>;
      return Object.fromEntries(t.fields.map((f) => [f.name, valueToItf(spec, f.type, obj[f.name] ?? null)]));
    }
    case "map": {
      const obj = v as Record<string, Json>;
      return { "#map": Object.entries(obj).map(([k, x]) => [keyToItf(spec, t.key, k), valueToItf(spec, t.value, x)]) };
    }
    case "seq":
      return (v as Json[]).map((x) => valueToItf(spec, t.element, x));
    case "tuple":
      return { "#tup": (v as Json[]).map((x, i) => valueToItf(spec, t.elements[i] ?? { kind: "bool" }, x)) };
    case "frame": {
      const obj = v as Record<string, Json>;
      const fields = t.procedures.find((p) => p.name === obj.procedure)?.fields ?? [];
      return { procedure: obj.procedure ?? null, pc: obj.pc ?? null, ...Object.fromEntries(fields.map((f) => [f.name, valueToItf(spec, f.type, obj[f.name] ?? null)])) } as Itf;
    }
    case "named":
      throw new Error("unreachable");
  }
}

/**
 * The counterexample of a check as an ITF document (null when the check found none). Besides ITF's
 * own fields, `#meta` records what `raidspec show` needs to tell the trace again: the spec file,
 * variant, configuration and invariant, and per state the step, its process and its choices.
 */
export function traceToItf(spec: Spec, result: CheckResult): Itf | null {
  if (!result.trace) return null;
  const types = stateTypes(spec);
  const vars = [...types.keys()];
  return {
    "#meta": {
      format: "ITF",
      "format-description": "Informal Trace Format (Apalache ADR-015)",
      source: spec.source,
      description: `${result.spec}${result.variant ? ` (${result.variant})` : ""}, configuration ${result.config}: invariant ${result.invariant ?? "?"} violated (${result.engine} engine)`,
      spec: result.spec,
      variant: result.variant,
      config: result.config,
      engine: result.engine,
      ...(result.invariant ? { invariant: result.invariant } : {}),
      distinctStates: result.distinctStates,
    },
    vars,
    ...(result.loopStart !== undefined ? { loop: result.loopStart } : {}),
    states: result.trace.map((step, index) => ({
      "#meta": {
        index,
        step: step.step,
        ...(step.processSet ? { process: `${step.processSet} ${JSON.stringify(step.process)}`, processSet: step.processSet, self: step.process } : {}),
        ...(index > 0 ? { params: step.params } : {}),
      },
      ...Object.fromEntries(vars.map((name) => [name, valueToItf(spec, types.get(name) ?? { kind: "bool" }, step.state[name] ?? null)])),
    })),
  };
}
