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
