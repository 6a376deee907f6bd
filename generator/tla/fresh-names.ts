/**
 * Bound names the TLA+ module can use as they are: an IR → IR pass run before the TLA+ generator.
 *
 * SANY rejects a bound name (quantifier, function constructor, set filter, CHOOSE, LET, operator
 * parameter) that reuses a name already in scope: an enclosing bound name, a definition, a variable
 * or constant, or a name a standard module defines ("Multiply-defined symbol 'anyKey'"). TypeScript
 * allows all of these (`(x) => mapping(D, (x) => …)`, two `() => v` lambdas that both bind the
 * placeholder `anyKey`), and the generator inlines helper bodies into their callers, where a helper's
 * bound name could meet, or capture, the caller's. This pass renames, once, so none of that can happen:
 *
 * - every bound name differs from every top-level name, reserved name and bound name of its scope
 *   chain;
 * - a helper's bound names also differ from every bound name in scope wherever the helper is called,
 *   so its body can be inlined there (substituting argument text for its parameters) without a
 *   clash and without capturing a name of the arguments.
 *
 * A name is kept when it clashes with nothing; otherwise it gets the first free numeric suffix
 * (`anyKey`, `anyKey1`, …), so the result is deterministic and close to what the author wrote. The
 * meaning is unchanged (renaming bound names is α-conversion), so the pass is harmless for any other
 * consumer of the IR; only the TLA+ generator needs it.
 */
import type { Action, Definition, Expr, Macro, Process, Spec, Step, Stmt, Type } from "../ir.ts";
import { namedModelValues } from "../ir-walk.ts";
import { isReserved } from "./reserved.ts";

/** Every name the module declares at the top level (bound names must differ from all of them). */
export function topLevelNames(spec: Spec): Set<string> {
  return new Set([
    spec.name,
    ...spec.constants.map((c) => c.name),
    ...spec.domains.map((d) => d.name),
    ...spec.variables.map((v) => v.name),
    ...spec.definitions.map((d) => d.name),
    ...spec.processes.flatMap((p) => [p.name, ...p.locals.map((l) => l.name), ...p.steps.map((s) => s.label)]),
    ...spec.variants.flatMap((v) => v.processes.flatMap((vp) => vp.steps.map((s) => s.label))),
    ...spec.invariants.map((i) => i.name),
    ...spec.constraints.map((c) => c.name),
    ...spec.actions.map((a) => a.name),
    ...spec.macros.map((m) => m.name),
    ...spec.procedures.flatMap((p) => [p.name, ...p.params.map((v) => v.name), ...p.locals.map((v) => v.name), ...p.steps.map((s) => s.label)]),
    ...namedModelValues(spec),
  ]);
}

/** The first of `name`, `name1`, `name2`, … that `taken` does not hold and that is not reserved. */
export function freshName(name: string, taken: (n: string) => boolean): string {
  if (!taken(name) && !isReserved(name)) return name;
  for (let i = 1; ; i++) {
    const candidate = `${name}${i}`;
    if (!taken(candidate) && !isReserved(candidate)) return candidate;
  }
}

/** The names in scope at one point: renamings of the bound names, and every bound name in scope. */
interface Scope {
  renamed: ReadonlyMap<string, string>;
  inScope: ReadonlySet<string>;
}

class Renamer {
  /** Per helper: every bound name in scope at some call of it (its bound names must avoid them). */
  readonly callerScopes = new Map<string, Set<string>>();
  /** Extra names the bound names of the body being walked must avoid. */
  avoid: ReadonlySet<string> = new Set();

  constructor(private readonly topLevel: ReadonlySet<string>) {}

  private bind(scope: Scope, name: string): { name: string; inner: Scope } {
    const fresh = freshName(name, (n) => this.topLevel.has(n) || scope.inScope.has(n) || this.avoid.has(n));
    const renamed = new Map(scope.renamed);
    renamed.set(name, fresh);
    return { name: fresh, inner: { renamed, inScope: new Set([...scope.inScope, fresh]) } };
  }

  expr(e: Expr, scope: Scope): Expr {
    const r = (x: Expr) => this.expr(x, scope);
    switch (e.kind) {
      case "bound":
        return { kind: "bound", name: scope.renamed.get(e.name) ?? e.name };
      case "quant":
      case "fn":
      case "count":
      case "filter": {
        const set = r(e.set);
        const { name, inner } = this.bind(scope, e.name);
        return { ...e, name, set, body: this.expr(e.body, inner) };
      }
      case "call": {
        const seen = this.callerScopes.get(e.name) ?? new Set<string>();
        for (const n of [...scope.inScope, ...this.avoid]) seen.add(n);
        this.callerScopes.set(e.name, seen);
        return { ...e, args: e.args.map(r) };
      }
      case "pc":
        return { ...e, process: r(e.process) };
      case "index":
        return { ...e, base: r(e.base), index: r(e.index) };
      case "field":
        return { ...e, base: r(e.base) };
      case "not":
      case "neg":
        return { ...e, arg: r(e.arg) };
      case "binary":
        return { ...e, left: r(e.left), right: r(e.right) };
      case "ite":
        return { ...e, cond: r(e.cond), then: r(e.then), else: r(e.else) };
      case "record":
        return { ...e, fields: e.fields.map((f) => ({ ...f, value: r(f.value) })) };
      case "setOf":
        return { ...e, elements: e.elements.map(r) };
      case "range":
        return { ...e, lo: r(e.lo), hi: r(e.hi) };
      case "size":
        return { ...e, set: r(e.set) };
      case "typeSet":
        return { ...e, type: this.type(e.type, scope) };
      case "anyOf":
        return { ...e, set: r(e.set) };
      case "tuple":
        return { ...e, elements: e.elements.map(r) };
      case "at":
        return { ...e, seq: r(e.seq), index: r(e.index) };
      case "len":
      case "head":
      case "tail":
        return { ...e, seq: r(e.seq) };
      case "append":
        return { ...e, seq: r(e.seq), value: r(e.value) };
      case "concat":
        return { ...e, left: r(e.left), right: r(e.right) };
      case "subSeq":
        return { ...e, seq: r(e.seq), from: r(e.from), to: r(e.to) };
      default:
        return e;
    }
  }

  type(t: Type, scope: Scope): Type {
    switch (t.kind) {
      case "int":
        return { ...t, lo: this.expr(t.lo, scope), hi: this.expr(t.hi, scope) };
      case "map":
        return { ...t, key: this.type(t.key, scope), value: this.type(t.value, scope) };
      case "record":
        return { ...t, fields: t.fields.map((f) => ({ ...f, type: this.type(f.type, scope) })) };
      case "set":
        return { ...t, element: this.type(t.element, scope) };
      case "optional":
        return { ...t, value: this.type(t.value, scope) };
      case "seq":
        return { ...t, element: this.type(t.element, scope), maxLen: this.expr(t.maxLen, scope) };
      case "tuple":
        return { ...t, elements: t.elements.map((x) => this.type(x, scope)) };
      default:
        return t;
    }
  }

  stmts(stmts: Stmt[], scope: Scope): Stmt[] {
    return stmts.map((s) => this.stmt(s, scope));
  }

  private stmt(s: Stmt, scope: Scope): Stmt {
    const r = (x: Expr) => this.expr(x, scope);
    switch (s.kind) {
      case "assign":
        return {
          ...s,
          target: { ...s.target, path: s.target.path.map((p) => (p.kind === "field" ? p : { ...p, index: r(p.index) })) },
          value: r(s.value),
        };
      case "await":
        return { ...s, cond: r(s.cond) };
      case "if":
        return { ...s, cond: r(s.cond), then: this.stmts(s.then, scope), else: this.stmts(s.else, scope) };
      case "either":
        return { ...s, branches: s.branches.map((b) => this.stmts(b, scope)) };
      case "choose": {
        const set = r(s.set);
        const { name, inner } = this.bind(scope, s.name);
        return { ...s, name, set, body: this.stmts(s.body, inner) };
      }
      case "let": {
        const value = r(s.value);
        const { name, inner } = this.bind(scope, s.name);
        return { ...s, name, value, body: this.stmts(s.body, inner) };
      }
      case "goto":
        return s;
      case "macro":
        return { ...s, args: s.args.map(r), body: this.stmts(s.body, scope) };
      case "call":
        return { ...s, args: s.args.map(r) };
      case "return":
        return s;
    }
  }

  /** A plain action: its parameter is its outermost bound name. */
  action(a: Action): Action {
    if (!a.param) return { ...a, body: this.stmts(a.body, emptyScope) };
    const { name, inner } = this.bind(emptyScope, a.param);
    return { ...a, param: name, body: this.stmts(a.body, inner) };
  }

  /** A macro as the PlusCal text declares it: its parameters are bound in its body. */
  macro(m: Macro): Macro {
    let scope: Scope = emptyScope;
    const params = m.params.map((p) => {
      const bound = this.bind(scope, p);
      scope = bound.inner;
      return bound.name;
    });
    return { ...m, params, body: this.stmts(m.body, scope) };
  }

  /** A helper: its parameters are its outermost bound names; its body must also avoid its callers' scopes. */
  definition(d: Definition): Definition {
    // Parameters need not avoid the callers' names: an inlined call substitutes them away, and a
    // call that is not inlined is TLA+ operator application, which captures nothing.
    let scope: Scope = { renamed: new Map(), inScope: new Set() };
    const params = d.params.map((p) => {
      const bound = this.bind(scope, p);
      scope = bound.inner;
      return bound.name;
    });
    this.avoid = this.callerScopes.get(d.name) ?? new Set();
    const body = this.expr(d.body, scope);
    this.avoid = new Set();
    return { ...d, params, body };
  }
}

const emptyScope: Scope = { renamed: new Map(), inScope: new Set() };
// A step's actions are parameterised by `self` (reserved anyway, so never chosen).
const stepScope: Scope = { renamed: new Map(), inScope: new Set(["self"]) };

/** The spec with every bound name fresh for TLA+ (see the file comment). */
export function freshBinders(spec: Spec): Spec {
  const renamer = new Renamer(topLevelNames(spec));
  const steps = (xs: Step[]): Step[] => xs.map((s) => ({ ...s, body: renamer.stmts(s.body, stepScope) }));
  // Callers first, so each helper knows every scope it may be inlined into. A helper can only call
  // helpers defined before it, so walking the helpers backwards visits every caller of a helper
  // before the helper itself.
  const variables = spec.variables.map((v) => ({ ...v, type: renamer.type(v.type, emptyScope), init: renamer.expr(v.init, emptyScope) }));
  const processes: Process[] = spec.processes.map((p) => ({
    ...p,
    locals: p.locals.map((l) => ({ ...l, type: renamer.type(l.type, emptyScope), init: renamer.expr(l.init, stepScope) })),
    steps: steps(p.steps),
  }));
  const variants = spec.variants.map((v) => ({ ...v, processes: v.processes.map((vp) => ({ ...vp, steps: steps(vp.steps) })) }));
  const invariants = spec.invariants.map((i) => ({ ...i, body: renamer.expr(i.body, emptyScope) }));
  const constraints = spec.constraints.map((c) => ({ ...c, body: renamer.expr(c.body, emptyScope) }));
  const initially = spec.initially ? { ...spec.initially, body: renamer.expr(spec.initially.body, emptyScope) } : undefined;
  const actions = spec.actions.map((a) => renamer.action(a));
  const macros = spec.macros.map((m) => renamer.macro(m));
  const procedures = spec.procedures.map((p) => ({ ...p, steps: steps(p.steps) }));
  const domains = spec.domains.map((d) => ({ ...d, type: renamer.type(d.type, emptyScope) }));
  const definitions = [...spec.definitions].reverse().map((d) => renamer.definition(d)).reverse();
  return { ...spec, domains, variables, processes, variants, invariants, constraints, ...(initially ? { initially } : {}), actions, macros, procedures, definitions };
}
