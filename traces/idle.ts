/**
 * The idle state of a spec: what each variable holds when nothing is going on, so a trace's initial
 * state can be shown as what differs from it.
 *
 * A state variable is idle at its type's first value in every leaf (false, 0 or the range's low end,
 * the first value its enumOf lists, none, the empty set), unless its doc comment says `@idle <value>`
 * (the value of every leaf, e.g. `@idle true` for a map of flags that start set). A process-local
 * variable is idle at its declared initial value, and each process's pc at its first step.
 */
import type { Spec, Type } from "../generator/ir.ts";
import type { ConstantValues } from "../engines/model.ts";
import type { Json, TraceState } from "../engines/result.ts";
import { resolveType } from "../engines/state-json.ts";
import { type EvalEnv, EvalError, evaluate, keyText, typeValues } from "./eval.ts";
import { splitDoc } from "./story.ts";
import { parseTemplateExpr } from "./template-expr.ts";

function idleOf(spec: Spec, constants: ConstantValues, t: Type, leaf: Json | undefined): Json {
  const r = resolveType(spec, t);
  const env: EvalEnv = { spec, constants, state: {}, bound: new Map() };
  switch (r.kind) {
    case "map": {
      const out: Record<string, Json> = {};
      for (const k of typeValues(spec, r.key, constants)) out[keyText(k)] = idleOf(spec, constants, r.value, leaf);
      return out;
    }
    case "record":
      return Object.fromEntries(r.fields.map((f) => [f.name, idleOf(spec, constants, f.type, leaf)]));
    default:
      if (leaf !== undefined) return leaf;
      switch (r.kind) {
        case "bool":
          return false;
        case "int": {
          const lo = evaluate(r.lo, env) as number;
          const hi = evaluate(r.hi, env) as number;
          return lo <= 0 && 0 <= hi ? 0 : lo;
        }
        case "enum":
          return r.values[0] ?? null;
        case "optional":
          return null;
        case "set":
        case "seq":
          return [];
        case "tuple":
          return r.elements.map((x) => idleOf(spec, constants, x, leaf));
        case "frame":
          throw new EvalError("a stack frame has no idle value");
        case "named":
          throw new EvalError("unreachable");
      }
  }
}

/** The `@idle` value a doc comment declares, if any. */
function declaredIdle(spec: Spec, constants: ConstantValues, doc: string | undefined): Json | undefined {
  const tag = splitDoc(doc).tags.find((t) => t.name === "idle");
  if (!tag) return undefined;
  const { expr } = parseTemplateExpr(tag.text, 0, tag.text.length, { spec, bound: new Set() });
  return evaluate(expr, { spec, constants, state: {}, bound: new Map() });
}

/** The idle value of every state key a spec's states have (variables, locals, pc), where it can be computed. */
export function idleState(spec: Spec, constants: ConstantValues): TraceState {
  const out: TraceState = {};
  const attempt = (name: string, f: () => Json) => {
    try {
      out[name] = f();
    } catch (e) {
      // A declaration raidspec cannot evaluate on its own is shown whole rather than against a guess.
      if (!(e instanceof EvalError)) throw e;
    }
  };
  for (const v of spec.variables) attempt(v.name, () => idleOf(spec, constants, v.type, declaredIdle(spec, constants, v.doc)));
  const pc: Record<string, Json> = {};
  for (const p of spec.processes) {
    const ids = typeValues(spec, { kind: "named", name: p.over }, constants);
    for (const id of ids) pc[keyText(id)] = p.steps[0]?.label ?? "Done";
    for (const l of p.locals) {
      const declared = declaredIdle(spec, constants, l.doc);
      attempt(l.name, () => {
        const values: Record<string, Json> = {};
        for (const id of ids) {
          const env: EvalEnv = { spec, constants, state: {}, bound: new Map(), self: id, process: p };
          values[keyText(id)] = declared === undefined ? evaluate(l.init, env) : idleOf(spec, constants, l.type, declared);
        }
        return values;
      });
    }
  }
  out.pc = pc;
  return out;
}
