/**
 * The properties to check, for one configuration: each temporal operator of each property (a leaf of
 * its formula) once per value of the names the foralls around it bind. A property holds when all of
 * its instances hold (forall and && are conjunctions), so each instance is checked on its own.
 */
import type { Expr, Spec } from "../../generator/ir.ts";
import { type TemporalLeaf, temporalLeaves } from "../../generator/ir-walk.ts";
import { evaluate } from "../../traces/eval.ts";
import type { ConstantValues } from "../model.ts";
import { EngineError, type Json } from "../result.ts";
import type { FormCheck } from "./search.ts";

/** A state predicate of one instance: the leaf's p or q with its bound names' values. */
export interface PredicateInstance {
  property: string;
  /** The leaf's index in the property's formula. */
  leaf: number;
  which: "p" | "q";
  expr: Expr;
  /** The names bound around it and their values, outermost first (the leaf's quantifier order). */
  bound: { name: string; value: Json }[];
}

export interface PropertyInstance extends FormCheck {
  property: string;
  leaf: number;
  /** The names bound and their values, e.g. p = 1. */
  bound: { name: string; value: Json }[];
}

export interface PropertyPlan {
  instances: PropertyInstance[];
  /** Indexed by the instances' p and q. */
  predicates: PredicateInstance[];
}

/** Every instance of the named properties (default: all) in a configuration. */
export function propertyPlan(spec: Spec, constants: ConstantValues, names?: readonly string[]): PropertyPlan {
  const wanted = names ?? spec.properties.map((p) => p.name);
  const instances: PropertyInstance[] = [];
  const predicates: PredicateInstance[] = [];
  for (const name of wanted) {
    const prop = spec.properties.find((p) => p.name === name);
    if (!prop) throw new EngineError("usage", `${spec.name} has no property "${name}". Properties: ${spec.properties.map((p) => p.name).join(", ") || "none"}.`);
    temporalLeaves(prop.body).forEach((leaf, k) => {
      for (const bound of bindings(spec, constants, leaf)) {
        const add = (which: "p" | "q", expr: Expr) => predicates.push({ property: name, leaf: k, which, expr, bound }) - 1;
        const p = add("p", leaf.p);
        const q = leaf.q ? add("q", leaf.q) : undefined;
        instances.push({ property: name, leaf: k, bound, form: leaf.form, p, ...(q !== undefined ? { q } : {}) });
      }
    });
  }
  return { instances, predicates };
}

/** Every assignment of values to the leaf's quantified names, in the sets' order. */
function bindings(spec: Spec, constants: ConstantValues, leaf: TemporalLeaf): { name: string; value: Json }[][] {
  let out: { name: string; value: Json }[][] = [[]];
  for (const q of leaf.quantifiers) {
    out = out.flatMap((prefix) => {
      const set = evaluate(q.set, { spec, constants, state: {}, bound: new Map(prefix.map((b) => [b.name, b.value])) });
      if (!Array.isArray(set)) throw new EngineError("usage", `A property's forall ranges over ${JSON.stringify(set)}, which is not a set`);
      return set.map((value) => [...prefix, { name: q.name, value }]);
    });
  }
  return out;
}

/** How an instance is named in messages: `StarvationFree (p = 1)`. */
export function instanceName(i: Pick<PropertyInstance, "property" | "bound">): string {
  return i.bound.length === 0 ? i.property : `${i.property} (${i.bound.map((b) => `${b.name} = ${JSON.stringify(b.value)}`).join(", ")})`;
}
