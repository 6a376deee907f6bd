/**
 * Small traversals of IR expressions shared by the checks and the generators.
 */
import type { Definition, Expr, SourceLoc, Stmt } from "./ir.ts";

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
  else if (e.kind === "local") into.add(`local:${e.name}`);
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
  return has(s.value) || s.target.path.some((p) => p.kind === "index" && has(p.index));
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
