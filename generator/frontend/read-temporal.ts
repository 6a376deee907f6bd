/**
 * `.property(name, (s) => formula)` → IR: a temporal formula whose leaves are state predicates.
 *
 * The formula is `always(p)`, `eventually(p)`, `leadsTo(p, q)`, `alwaysEventually(p)`,
 * `eventuallyAlways(p)`, a `forall(S, (x) => formula)` around one, or several joined with `&&`. The
 * predicates are read as invariants are (the state, pc, helpers, and the names bound around them);
 * temporal operators inside a predicate are refused (TLA+ would make the predicate temporal).
 */
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import type { Property, Temporal } from "../ir.ts";
import { exprReads } from "../ir-walk.ts";
import { type ModuleSymbols, type Scope, dslCallee, locOf, withBound } from "./context.ts";
import { fail } from "./errors.ts";
import { lambdaResult, readExpr } from "./read-expr.ts";

/** The DSL's temporal operators over state predicates, with how many predicates each takes. */
export const temporalOperators: Readonly<Record<string, number>> = { always: 1, eventually: 1, alwaysEventually: 1, eventuallyAlways: 1, leadsTo: 2 };

const formulaHint =
  "A property is always(p), eventually(p), leadsTo(p, q), alwaysEventually(p) or eventuallyAlways(p) over state predicates, " +
  "forall(S, (x) => …) around one, or several joined with &&. A state predicate alone is an invariant: use .invariant(…).";

export function readProperty(symbols: ModuleSymbols, call: CallExpression, variables: ReadonlySet<string>, doc?: string): Property {
  const callee = call.getExpression();
  const loc = locOf(symbols, Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : call);
  const nameArg = call.getArguments()[0];
  if (!nameArg || !Node.isStringLiteral(nameArg)) return fail(loc, "property(…) needs a name as a string literal (argument 1)");
  const name = nameArg.getLiteralValue();
  const fn = call.getArguments()[1];
  if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)))
    return fail(loc, `Property "${name}" needs a function (s) => formula`, formulaHint);
  const scope: Scope = { state: fn.getParameters()[0]?.getName(), locals: new Set(), variables, bound: new Set() };
  return { name, body: readFormula(symbols, scope, lambdaResult(symbols, fn)), doc, loc };
}

function readFormula(symbols: ModuleSymbols, scope: Scope, node: Node): Temporal {
  if (Node.isParenthesizedExpression(node)) return readFormula(symbols, scope, node.getExpression());
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken) {
    const items = [readFormula(symbols, scope, node.getLeft()), readFormula(symbols, scope, node.getRight())].flatMap((t) => (t.kind === "and" ? t.items : [t]));
    return { kind: "and", items };
  }
  const op = dslCallee(symbols, node);
  if (!op || !Node.isCallExpression(node)) return fail(locOf(symbols, node), "This is not a temporal formula", formulaHint);
  const args = node.getArguments();
  if (op === "forall") {
    const [set, body] = args;
    if (!set || !body || !(Node.isArrowFunction(body) || Node.isFunctionExpression(body)) || body.getParameters().length !== 1)
      return fail(locOf(symbols, node), "forall(S, (x) => formula) needs a set and a function of one parameter");
    const x = body.getParameters()[0]?.getName() ?? "";
    const setExpr = readExpr(symbols, scope, set);
    if (exprReads(setExpr).size > 0)
      return fail(locOf(symbols, set), "The set a property's forall ranges over must not depend on the state", "Quantify over a domain or a constant set, and test the state inside the formula.");
    return { kind: "forall", name: x, set: setExpr, body: readFormula(symbols, withBound(scope, x), lambdaResult(symbols, body)) };
  }
  const arity = temporalOperators[op];
  if (arity === undefined) return fail(locOf(symbols, node), `${op}(…) is not a temporal operator`, formulaHint);
  if (args.length !== arity) return fail(locOf(symbols, node), `${op}(…) takes ${arity === 1 ? "one state predicate" : "two state predicates"}`);
  const [p, q] = args.map((a) => readPredicate(symbols, scope, a));
  if (!p) throw new Error("unreachable");
  if (op === "leadsTo") return { kind: "leadsTo", from: p, to: q ?? p };
  return { kind: op as "always" | "eventually" | "alwaysEventually" | "eventuallyAlways", pred: p };
}

/** A state predicate inside a temporal operator: no temporal operator in it. */
function readPredicate(symbols: ModuleSymbols, scope: Scope, node: Node) {
  const nested = [node, ...node.getDescendants()].find((d) => {
    const callee = dslCallee(symbols, d);
    return callee !== undefined && callee in temporalOperators;
  });
  if (nested)
    return fail(locOf(symbols, nested), "A temporal operator cannot appear inside a state predicate", "Write the predicate over one state; nest temporal operators only as forall(…) and && around them.");
  return readExpr(symbols, scope, node);
}
