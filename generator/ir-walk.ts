/**
 * Small traversals of IR expressions shared by the checks and the generators.
 */
import type { Definition, Expr, LValue, Process, SourceLoc, Spec, Stmt, Type } from "./ir.ts";

/** The direct sub-expressions of an expression. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "pc":
      return [e.process];
    case "index":
      return [e.base, e.index];
    case "field":
      return [e.base];
    case "not":
    case "neg":
      return [e.arg];
    case "binary":
      return [e.left, e.right];
    case "ite":
      return [e.cond, e.then, e.else];
    case "quant":
    case "fn":
    case "count":
    case "filter":
      return [e.set, e.body];
    case "record":
      return e.fields.map((f) => f.value);
    case "setOf":
      return e.elements;
    case "range":
      return [e.lo, e.hi];
    case "size":
      return [e.set];
    case "call":
      return e.args;
    case "anyOf":
      return [e.set];
    case "tuple":
      return e.elements;
    case "at":
      return [e.seq, e.index];
    case "len":
    case "head":
    case "tail":
      return [e.seq];
    case "append":
      return [e.seq, e.value];
    case "concat":
      return [e.left, e.right];
    case "subSeq":
      return [e.seq, e.from, e.to];
    default:
      return [];
  }
}

/**
 * The state an expression reads, as keys `var:x`, `local:x` and `pc`; through helper calls too when
 * their definitions are given.
 */
export function exprReads(e: Expr, definitions?: ReadonlyMap<string, Definition>, into = new Set<string>()): Set<string> {
  if (e.kind === "var") into.add(`var:${e.name}`);
  else if (e.kind === "local" || e.kind === "locals") into.add(`local:${e.name}`);
  else if (e.kind === "pc") into.add("pc");
  else if (e.kind === "call") {
    const def = definitions?.get(e.name);
    if (def) exprReads(def.body, definitions, into);
  }
  for (const c of children(e)) exprReads(c, definitions, into);
  return into;
}

/** The bound names (quantifier, lambda, choose and let names, helper parameters) an expression mentions. */
export function boundNames(e: Expr, into = new Set<string>()): Set<string> {
  if (e.kind === "bound") into.add(e.name);
  for (const c of children(e)) boundNames(c, into);
  return into;
}

/**
 * Visits every expression of a statement list (with the location of the statement it belongs to) and
 * every name a `choose` or `const` binds, in source order.
 */
export function visitStatements(
  stmts: Stmt[],
  visit: { expr?: (e: Expr, loc: SourceLoc) => void; binding?: (name: string, loc: SourceLoc) => void },
): void {
  for (const st of stmts) {
    switch (st.kind) {
      case "assign":
        for (const p of st.target.path) if (p.kind === "index") visit.expr?.(p.index, st.loc);
        visit.expr?.(st.value, st.loc);
        break;
      case "await":
        visit.expr?.(st.cond, st.loc);
        break;
      case "if":
        visit.expr?.(st.cond, st.loc);
        visitStatements(st.then, visit);
        visitStatements(st.else, visit);
        break;
      case "either":
        for (const b of st.branches) visitStatements(b, visit);
        break;
      case "choose":
      case "let":
        visit.binding?.(st.name, st.loc);
        visit.expr?.(st.kind === "choose" ? st.set : st.value, st.loc);
        visitStatements(st.body, visit);
        break;
      case "goto":
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Statement queries (the reference and packed generators walk step bodies the same way)

/**
 * The assignments from `stmts[i]` on that write the same variable (one update, as PlusCal's `||`):
 * the run and the index of its last statement.
 */
export function assignmentRun(stmts: readonly Stmt[], i: number): { group: Extract<Stmt, { kind: "assign" }>[]; last: number } {
  const first = stmts[i];
  if (first?.kind !== "assign") return { group: [], last: i };
  const group = [first];
  let last = i;
  for (;;) {
    const following = stmts[last + 1];
    if (following?.kind !== "assign" || following.target.scope !== first.target.scope || following.target.name !== first.target.name) break;
    group.push(following);
    last += 1;
  }
  return { group, last };
}

/** Whether an assignment calls a helper (its value or a key). */
export function containsCall(s: Extract<Stmt, { kind: "assign" }>): boolean {
  const has = (e: Expr): boolean => e.kind === "call" || children(e).some(has);
  return has(s.value) || s.target.path.some((p) => p.kind !== "field" && has(p.index));
}

/** Whether the statements choose (either, choose) anywhere inside. */
export function hasNondeterminism(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "either":
      case "choose":
        return true;
      case "if":
        return hasNondeterminism(s.then) || hasNondeterminism(s.else);
      case "let":
        return hasNondeterminism(s.body);
      default:
        return false;
    }
  });
}

/** Whether the statements write state (an assignment or a goto). */
export function assigns(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "assign":
      case "goto":
      case "call":
      case "return":
        return true;
      case "if":
        return assigns(s.then) || assigns(s.else);
      case "either":
        return s.branches.some(assigns);
      case "choose":
      case "let":
        return assigns(s.body);
      default:
        return false;
    }
  });
}

/** Whether an await in these statements exits this alternative (not one nested inside it). */
export function hasDirectAwait(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "await":
        return true;
      case "if":
        return hasDirectAwait(s.then) || hasDirectAwait(s.else);
      case "let":
        return hasDirectAwait(s.body);
      default:
        return false;
    }
  });
}

/** Whether some path through a body ends without a goto, call or return (it falls through to the next step). */
export function endsOpen(stmts: Stmt[]): boolean {
  const tail = stmts[stmts.length - 1];
  if (!tail) return true;
  switch (tail.kind) {
    case "goto":
    case "call":
    case "return":
      return false;
    case "if":
      return endsOpen(tail.then) || endsOpen(tail.else);
    case "either":
      return tail.branches.some(endsOpen);
    case "choose":
    case "let":
    case "macro":
      return endsOpen(tail.body);
    default:
      return true;
  }
}

/** Whether a step body lets its process finish: a path falls through past the last step or goes to Done. */
function reachesDone(stmts: Stmt[], last: boolean): boolean {
  return (last && endsOpen(stmts)) || stmts.some((s) => gotosDone(s));
}

function gotosDone(s: Stmt): boolean {
  switch (s.kind) {
    case "goto":
      return s.label === "Done";
    case "if":
      return [...s.then, ...s.else].some(gotosDone);
    case "either":
      return s.branches.flat().some(gotosDone);
    case "choose":
    case "let":
      return s.body.some(gotosDone);
    default:
      return false;
  }
}

/** The labels a process can be at: its steps', and Done when some path finishes. */
export function pcLabels(process: Pick<Process, "steps">): string[] {
  const labels = process.steps.map((s) => s.label);
  const done = process.steps.length === 0 || process.steps.some((s, i) => reachesDone(s.body, i === process.steps.length - 1));
  return done ? [...labels, "Done"] : labels;
}

/** The expressions an assignment target's path reads (map keys and sequence positions). */
export function pathIndices(path: LValue["path"]): Expr[] {
  return path.flatMap((p) => (p.kind === "field" ? [] : [p.index]));
}

/** Whether a type (with named domains resolved through `domains`) contains a sequence or tuple. */
export function usesSequences(t: Type, domains: ReadonlyMap<string, { type: Type }>, seen = new Set<string>()): boolean {
  switch (t.kind) {
    case "seq":
    case "tuple":
      return true;
    case "map":
      return usesSequences(t.key, domains, seen) || usesSequences(t.value, domains, seen);
    case "set":
      return usesSequences(t.element, domains, seen);
    case "optional":
      return usesSequences(t.value, domains, seen);
    case "record":
      return t.fields.some((f) => usesSequences(f.type, domains, seen));
    case "named": {
      const d = domains.get(t.name);
      if (!d || seen.has(t.name)) return false;
      seen.add(t.name);
      return usesSequences(d.type, domains, seen);
    }
    default:
      return false;
  }
}

/**
 * The names of the TLC model values a spec declares (its `modelValues(…)` domains, wherever written),
 * in order of first appearance. The IR is plain data, so every node is visited generically.
 */
export function modelValueNames(spec: Spec): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    if (obj.kind === "enum" && obj.model === true && Array.isArray(obj.values)) for (const v of obj.values) found.add(String(v));
    for (const value of Object.values(obj)) visit(value);
  };
  visit(spec);
  return [...found];
}

/** Statements with every macro call replaced by its (already substituted) body, at any depth. */
export function inlineMacros(stmts: Stmt[]): Stmt[] {
  return stmts.flatMap((s): Stmt[] => {
    switch (s.kind) {
      case "macro":
        return inlineMacros(s.body);
      case "if":
        return [{ ...s, then: inlineMacros(s.then), else: inlineMacros(s.else) }];
      case "either":
        return [{ ...s, branches: s.branches.map(inlineMacros) }];
      case "choose":
      case "let":
        return [{ ...s, body: inlineMacros(s.body) }];
      default:
        return [s];
    }
  });
}

/**
 * A copy of IR data with every bound name in `args` replaced by its expression (a macro's parameters
 * by a call's arguments). The IR is plain data, so it is copied generically; the front end makes sure
 * nothing inside rebinds one of the names.
 */
export function substituteBound<T>(node: T, args: ReadonlyMap<string, Expr>): T {
  if (Array.isArray(node)) return node.map((x) => substituteBound(x, args)) as T;
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (obj.kind === "bound" && typeof obj.name === "string" && args.has(obj.name)) return structuredClone(args.get(obj.name)) as T;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, substituteBound(v, args)])) as T;
}

/** The model values a spec names one by one in its expressions (each is a CONSTANT of the module). */
export function namedModelValues(spec: Spec): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.kind === "model" && typeof o.name === "string") found.add(o.name);
      Object.values(o).forEach(visit);
    }
  };
  visit(spec);
  return modelValueNames(spec).filter((m) => found.has(m));
}

/** The named domains of model values (each is a CONSTANT of the module, a set of model values in the .cfg). */
export function modelValueDomains(spec: Spec): { name: string; values: string[] }[] {
  return spec.domains.flatMap((d) => (d.type.kind === "enum" && d.type.model ? [{ name: d.name, values: d.type.values }] : []));
}

/** The procedures a body calls, at any depth. */
export function calledProcedures(stmts: Stmt[]): string[] {
  return stmts.flatMap((s): string[] => {
    switch (s.kind) {
      case "call":
        return [s.procedure];
      case "if":
        return calledProcedures([...s.then, ...s.else]);
      case "either":
        return calledProcedures(s.branches.flat());
      case "choose":
      case "let":
      case "macro":
        return calledProcedures(s.body);
      default:
        return [];
    }
  });
}

/** The most frames a process's stack can hold: the deepest chain of calls (the front end rejects recursion). */
export function stackDepth(spec: Spec): number {
  const byName = new Map(spec.procedures.map((p) => [p.name, p]));
  const depth = (name: string, seen: ReadonlySet<string>): number => {
    const p = byName.get(name);
    if (!p || seen.has(name)) return 1;
    const inner = p.steps.flatMap((s) => calledProcedures(s.body)).map((c) => depth(c, new Set([...seen, name])));
    return 1 + Math.max(0, ...inner);
  };
  return Math.max(0, ...spec.procedures.map((p) => depth(p.name, new Set())));
}

/** The type of a stack frame of the spec's procedures (the element type of every process's stack). */
export function frameType(spec: Spec): Extract<Type, { kind: "frame" }> {
  return { kind: "frame", procedures: spec.procedures.map((p) => ({ name: p.name, fields: [...p.locals, ...p.params].map((v) => ({ name: v.name, type: v.type })) })) };
}

/**
 * The constructs of the language beyond processes of labelled steps that a spec uses, each named for
 * a message: the compiled explorer and the symmetry check cover none of them yet, so a spec that uses
 * one runs on the readable explorer, and is not reduced by symmetry.
 */
export function languageConstructs(spec: Spec): string[] {
  const found: string[] = [];
  if (spec.constraints.length > 0) found.push("a state constraint");
  if (spec.initially) found.push("initial states given by a predicate (.initially)");
  if (spec.actions.length > 0) found.push("plain actions");
  if (spec.procedures.length > 0) found.push("procedures");
  // The IR is plain JSON with one "kind" key per node: its text names every kind in use.
  const json = JSON.stringify(spec);
  const kinds: [RegExp, string][] = [
    [/"kind":"anyOf"/, "initial values chosen from a set (anyOf)"],
    [/"kind":"macro"/, "macros"],
    [/"kind":"(seq|tuple|at|len|head|tail|append|concat|subSeq)"/, "sequences or tuples"],
    [/"kind":"locals"/, "process-local variables read as maps"],
    [/"kind":"model"/, "a model value named in the spec"],
  ];
  for (const [re, what] of kinds) if (re.test(json)) found.push(what);
  return found;
}
