/**
 * The check that makes symmetry reduction sound: the values of a domain declared `symmetric(…)` must
 * be interchangeable. They may be compared with each other (=== and !==, with null for an optional
 * one), used as map keys, process identities and set elements, and stored where the spec declares a
 * value of that domain. They may not take part in arithmetic or ordering, be compared with or
 * replaced by literals or values of another type, or index a map over another domain: any of those
 * tells the values apart, and a reduction by permuting them would then merge states that differ.
 *
 * Types are followed through the IR's declared types (which still name their domains): variables,
 * locals, process identities, map values, record fields, `choose` and quantifier bindings, helper
 * parameters (from each call's arguments) and results.
 */
import type { Definition, DomainDecl, Expr, LValue, SourceLoc, Spec, Stmt, Type } from "../ir.ts";
import type { SpecProblem } from "./errors.ts";
import { languageConstructs } from "../ir-walk.ts";

/** What the check knows of an expression's value: its declared type, and whether it is a literal. */
interface Info {
  type: Type | null;
  literal?: boolean;
  none?: boolean;
}

const UNTYPED: Info = { type: null };

export function checkSymmetry(spec: Spec): SpecProblem[] {
  const symmetric = new Set(spec.domains.filter((d) => d.symmetric).map((d) => d.name));
  if (symmetric.size === 0) return [];
  // This check reads processes of labelled steps only: beside anything else, the reduction is not sound by it.
  const beyond = languageConstructs(spec);
  const first = spec.domains.find((d) => d.symmetric);
  if (beyond.length > 0 && first)
    return [
      {
        loc: first.loc,
        message: `symmetric(…) cannot be checked for soundness in a spec with ${beyond.join(", ")}`,
        hint: "Remove symmetric(…) (the model is then checked without the reduction), or the construct.",
      },
    ];
  const domains = new Map<string, DomainDecl>(spec.domains.map((d) => [d.name, d]));
  const defs = new Map<string, Definition>(spec.definitions.map((d) => [d.name, d]));
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  const report = (loc: SourceLoc, message: string) => {
    const key = `${loc.file}:${loc.line}:${loc.column}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({
      loc,
      message,
      hint: "A symmetric domain's values may only be compared with each other (===, !==, or with null), used as map keys, process identities and set elements, and stored where that domain is declared. Remove symmetric(…), or change the spec so the values are interchangeable.",
    });
  };

  /** Looks through named domains; the symmetric domain met on the way, if any. */
  const resolve = (t: Type): { t: Type; sym: string | null } => {
    let cur = t;
    let sym: string | null = null;
    for (let guard = 0; cur.kind === "named" && guard < 64; guard++) {
      if (sym === null && symmetric.has(cur.name)) sym = cur.name;
      const d = domains.get(cur.name);
      if (!d) break;
      cur = d.type;
    }
    return { t: cur, sym };
  };
  /** The symmetric domain a value of type t belongs to (null allowed when optional). */
  const symOf = (i: Info): string | null => {
    if (!i.type) return null;
    const r = resolve(i.type);
    if (r.sym) return r.sym;
    if (r.t.kind === "optional") return resolve(r.t.value).sym;
    return null;
  };
  const elementOf = (i: Info): Info => {
    if (!i.type) return UNTYPED;
    const r = resolve(i.type).t;
    return r.kind === "set" ? { type: r.element } : UNTYPED;
  };
  const named = (d: string): Type => ({ kind: "named", name: d });

  const localsOf = new Map(spec.processes.flatMap((p) => p.locals.map((l) => [l.name, l.type] as const)));
  const varsOf = new Map(spec.variables.map((v) => [v.name, v.type] as const));

  interface Env {
    loc: SourceLoc;
    self: Type | null;
    bound: ReadonlyMap<string, Info>;
    calls: ReadonlySet<string>;
  }

  /**
   * Reports a use that tells a symmetric value apart: `a` and `b` meet (are compared, stored into,
   * used as a key, …) and are not both of one symmetric domain. `a` is the place side where there is
   * one (a store's target, a map's key type).
   */
  const mixed = (env: Env, a: Info, b: Info, how: "compare" | "store" | "init" | "index" | "write-index" | "join") => {
    const sa = symOf(a);
    const sb = symOf(b);
    if (sa === sb) return;
    if ((sa && b.none) || (sb && a.none)) return;
    const d = (sa ?? sb) as string;
    const other = (x: Info) => (x.literal ? "a literal" : x.type ? "a value of another type" : "a computed value (arithmetic, a count)");
    const value = `a value of the symmetric domain ${d}`;
    const messages = {
      compare: `Compares ${value} with ${other(sa ? b : a)}`,
      join: `Mixes ${value} with ${other(sa ? b : a)}`,
      store: sa ? `Stores ${other(b)} where the symmetric domain ${d} is declared` : `Stores ${value} where another type is declared`,
      init: sa ? `Initializes a place of the symmetric domain ${d} with ${other(b)}` : `Initializes a place of another type with ${value}`,
      index: sa ? `Reads a map keyed by the symmetric domain ${d} at ${other(b)}` : `Reads a map keyed by another type at ${value}`,
      "write-index": sa ? `Writes a map keyed by the symmetric domain ${d} at ${other(b)}` : `Writes a map keyed by another type at ${value}`,
    };
    report(env.loc, messages[how]);
  };

  const expr = (e: Expr, env: Env): Info => {
    const r = (x: Expr) => expr(x, env);
    const within = (name: string, info: Info) => ({ ...env, bound: new Map([...env.bound, [name, info]]) });
    switch (e.kind) {
      case "bool":
      case "int":
      case "string":
        return { type: null, literal: true };
      case "none":
        return { type: null, none: true };
      case "var":
        return { type: varsOf.get(e.name) ?? null };
      case "local":
        return { type: localsOf.get(e.name) ?? null };
      case "self":
        return { type: env.self };
      case "const":
        return { type: spec.constants.find((c) => c.name === e.name)?.type ?? null };
      case "bound":
        return env.bound.get(e.name) ?? UNTYPED;
      case "domain":
        return { type: { kind: "set", element: named(e.name) } };
      case "typeSet":
        return { type: { kind: "set", element: e.type } };
      case "pc": {
        const p = r(e.process);
        const owner = spec.processes.find((x) => resolve(named(x.over)).sym);
        if (p.literal && owner) report(env.loc, `pc is read for a literal process identity while process set ${owner.name} runs over a symmetric domain`);
        return UNTYPED;
      }
      case "index": {
        const base = r(e.base);
        const key = r(e.index);
        const bt = base.type ? resolve(base.type).t : null;
        if (bt?.kind === "map") {
          mixed(env, { type: bt.key }, key, "index");
          return { type: bt.value };
        }
        return UNTYPED;
      }
      case "field": {
        const base = r(e.base);
        let bt = base.type ? resolve(base.type).t : null;
        if (bt?.kind === "optional") bt = resolve(bt.value).t;
        return { type: bt?.kind === "record" ? (bt.fields.find((f) => f.name === e.field)?.type ?? null) : null };
      }
      case "not":
        r(e.arg);
        return UNTYPED;
      case "neg": {
        const a = r(e.arg);
        const d = symOf(a);
        if (d) report(env.loc, `Negates a value of the symmetric domain ${d}`);
        return UNTYPED;
      }
      case "binary": {
        const a = r(e.left);
        const b = r(e.right);
        switch (e.op) {
          case "eq":
          case "neq":
            mixed(env, a, b, "compare");
            return UNTYPED;
          case "lt":
          case "le":
          case "gt":
          case "ge":
          case "add":
          case "sub":
          case "mul":
          case "div":
          case "mod": {
            const d = symOf(a) ?? symOf(b);
            if (d) report(env.loc, `Uses a value of the symmetric domain ${d} in ${["lt", "le", "gt", "ge"].includes(e.op) ? "an ordering" : "arithmetic"}`);
            return UNTYPED;
          }
          case "in":
            mixed(env, elementOf(b), a, "compare");
            return UNTYPED;
          case "union":
          case "minus":
          case "intersect":
            mixed(env, elementOf(a), elementOf(b), "join");
            return a.type ? a : b;
          default:
            return UNTYPED;
        }
      }
      case "ite": {
        r(e.cond);
        const a = r(e.then);
        const b = r(e.else);
        mixed(env, a, b, "join");
        return symOf(a) ? a : b;
      }
      case "quant":
      case "count":
      case "filter":
      case "fn": {
        const set = r(e.set);
        const body = expr(e.body, within(e.name, elementOf(set)));
        if (e.kind === "filter") return set;
        if (e.kind === "fn") return set.type && elementOf(set).type && body.type ? { type: { kind: "map", key: elementOf(set).type as Type, value: body.type } } : UNTYPED;
        return UNTYPED;
      }
      case "record":
        for (const f of e.fields) r(f.value);
        return UNTYPED;
      case "setOf": {
        const els = e.elements.map(r);
        for (let i = 1; i < els.length; i++) mixed(env, els[0] as Info, els[i] as Info, "join");
        const sym = els.find((x) => symOf(x));
        return sym?.type ? { type: { kind: "set", element: sym.type } } : UNTYPED;
      }
      case "range":
        r(e.lo);
        r(e.hi);
        return UNTYPED;
      case "size":
        r(e.set);
        return UNTYPED;
      case "call": {
        const def = defs.get(e.name);
        const args = e.args.map(r);
        if (!def || env.calls.has(e.name)) return UNTYPED;
        const bound = new Map(def.params.map((p, i) => [p, args[i] ?? UNTYPED]));
        return expr(def.body, { loc: def.loc, self: null, bound, calls: new Set([...env.calls, e.name]) });
      }
      // The language's other expressions are refused above (languageConstructs).
      default:
        return UNTYPED;
    }
  };

  const target = (lv: LValue, env: Env): Info => {
    let t: Type | null = lv.scope === "var" ? (varsOf.get(lv.name) ?? null) : (localsOf.get(lv.name) ?? null);
    for (const seg of lv.path) {
      const r = t ? resolve(t).t : null;
      if (seg.kind === "index") {
        const key = expr(seg.index, env);
        if (r?.kind === "map") {
          mixed(env, { type: r.key }, key, "write-index");
          t = r.value;
        } else t = null;
      } else if (seg.kind === "at") t = null;
      else t = r?.kind === "record" ? (r.fields.find((f) => f.name === seg.field)?.type ?? null) : null;
    }
    return { type: t };
  };

  const stmts = (list: readonly Stmt[], env: Env): void => {
    for (const s of list) {
      const here = { ...env, loc: s.loc };
      switch (s.kind) {
        case "assign": {
          const t = target(s.target, here);
          mixed(here, t, expr(s.value, here), "store");
          break;
        }
        case "await":
          expr(s.cond, here);
          break;
        case "if":
          expr(s.cond, here);
          stmts(s.then, here);
          stmts(s.else, here);
          break;
        case "either":
          for (const b of s.branches) stmts(b, here);
          break;
        case "choose": {
          const set = expr(s.set, here);
          stmts(s.body, { ...here, bound: new Map([...here.bound, [s.name, elementOf(set)]]) });
          break;
        }
        case "let": {
          const v = expr(s.value, here);
          stmts(s.body, { ...here, bound: new Map([...here.bound, [s.name, v]]) });
          break;
        }
        case "goto":
          break;
      }
    }
  };

  const none = new Map<string, Info>();
  for (const v of spec.variables) mixed({ loc: v.loc, self: null, bound: none, calls: new Set() }, { type: v.type }, expr(v.init, { loc: v.loc, self: null, bound: none, calls: new Set() }), "init");
  const steps = [...spec.processes.map((p) => ({ p, steps: p.steps })), ...spec.variants.flatMap((v) => v.processes.map((vp) => ({ p: spec.processes.find((x) => x.name === vp.process), steps: vp.steps })))];
  for (const { p, steps: list } of steps) {
    if (!p) continue;
    const self = named(p.over);
    for (const l of p.locals) {
      const env = { loc: l.loc, self, bound: none, calls: new Set<string>() };
      mixed(env, { type: l.type }, expr(l.init, env), "init");
    }
    for (const step of list) stmts(step.body, { loc: step.loc, self, bound: none, calls: new Set() });
  }
  for (const inv of spec.invariants) expr(inv.body, { loc: inv.loc, self: null, bound: none, calls: new Set() });
  return problems;
}
