/**
 * TypeScript expressions (the checked subset allowed in step bodies, invariants and helpers) → IR.
 */
import { Node, SyntaxKind, type Expression } from "ts-morph";
import type { BinaryOp, Expr, Type } from "../ir.ts";
import { type ModuleSymbols, type Scope, dslCallee, dslName, locOf, withBound } from "./context.ts";
import { fail } from "./errors.ts";
import { readType } from "./read-type.ts";
import { tlcInteger } from "./numbers.ts";

const binaryOps: Partial<Record<SyntaxKind, BinaryOp>> = {
  [SyntaxKind.AmpersandAmpersandToken]: "and",
  [SyntaxKind.BarBarToken]: "or",
  [SyntaxKind.EqualsEqualsEqualsToken]: "eq",
  [SyntaxKind.EqualsEqualsToken]: "eq",
  [SyntaxKind.ExclamationEqualsEqualsToken]: "neq",
  [SyntaxKind.ExclamationEqualsToken]: "neq",
  [SyntaxKind.LessThanToken]: "lt",
  [SyntaxKind.LessThanEqualsToken]: "le",
  [SyntaxKind.GreaterThanToken]: "gt",
  [SyntaxKind.GreaterThanEqualsToken]: "ge",
  [SyntaxKind.PlusToken]: "add",
  [SyntaxKind.MinusToken]: "sub",
  [SyntaxKind.AsteriskToken]: "mul",
  [SyntaxKind.PercentToken]: "mod",
};

const unsupportedHint =
  "Step bodies, invariants and helpers use a subset of TypeScript: literals, state reads (s.x, s.x[i].f), " +
  "operators, ?:, [a, b], and the DSL's functions (forall, exists, mapping, count, filter, setLit, union, minus, intersect, member, " +
  "implies, tuple, append, head, tail, len, concat, subSeq).";

/**
 * An initial value: an expression, `anyOf(S)` (any element of S), or `mapping(D, () => anyOf(S))`
 * (any map from D to S).
 */
export function readInitValue(symbols: ModuleSymbols, scope: Scope, node: Node): Expr {
  const anyOfSet = (n: Node): Node | undefined => {
    if (Node.isParenthesizedExpression(n) || Node.isAsExpression(n)) return anyOfSet(n.getExpression());
    if (dslCallee(symbols, n) !== "anyOf" || !Node.isCallExpression(n)) return undefined;
    return n.getArguments()[0] ?? fail(locOf(symbols, n), "anyOf(…) needs a set or domain");
  };
  const direct = anyOfSet(node);
  if (direct) return { kind: "anyOf", set: readExpr(symbols, scope, direct) };
  if (dslCallee(symbols, node) === "mapping" && Node.isCallExpression(node)) {
    const [keys, fn] = node.getArguments();
    if (keys && fn && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) {
      const inner = anyOfSet(lambdaResult(symbols, fn));
      if (inner) {
        const key = readType(symbols, keys);
        const value = readExpr(symbols, scope, inner);
        const valueType: Type | undefined =
          value.kind === "typeSet" ? value.type : value.kind === "domain" ? { kind: "named", name: value.name } : value.kind === "range" ? { kind: "int", lo: value.lo, hi: value.hi } : undefined;
        if (fn.getParameters().length > 0 || !valueType)
          return fail(locOf(symbols, node), "mapping(D, () => anyOf(S)) needs S to be a domain, the same for every key", "Write anyOf(mapOf(D, S)).");
        return { kind: "anyOf", set: { kind: "typeSet", type: { kind: "map", key, value: valueType } } };
      }
    }
  }
  return readExpr(symbols, scope, node);
}

/** Reads an expression. */
export function readExpr(symbols: ModuleSymbols, scope: Scope, node: Node): Expr {
  const unsupported = (what: string): never =>
    fail(locOf(symbols, node), `${what} is not supported here: \`${short(node.getText())}\``, unsupportedHint);

  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node))
    return readExpr(symbols, scope, node.getExpression());
  if (Node.isSatisfiesExpression(node)) return readExpr(symbols, scope, node.getExpression());
  if (Node.isNumericLiteral(node)) return { kind: "int", value: tlcInteger(Number(node.getLiteralValue()), locOf(symbols, node), node.getText()) };
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
    const value = node.getLiteralValue();
    return symbols.modelValues.has(value) ? { kind: "model", name: value } : { kind: "string", value };
  }
  if (node.getKind() === SyntaxKind.TrueKeyword) return { kind: "bool", value: true };
  if (node.getKind() === SyntaxKind.FalseKeyword) return { kind: "bool", value: false };
  if (node.getKind() === SyntaxKind.NullKeyword) return { kind: "none" };
  if (Node.isIdentifier(node) && dslName(symbols, node) === "bool") return { kind: "typeSet", type: { kind: "bool" } };
  if (Node.isIdentifier(node)) return readName(symbols, scope, node);
  if (Node.isPropertyAccessExpression(node)) return readProperty(symbols, scope, node);
  if (Node.isElementAccessExpression(node)) {
    const base = node.getExpression();
    const arg = node.getArgumentExpressionOrThrow();
    if (Node.isPropertyAccessExpression(base) && isStateRef(scope, base.getExpression()) && base.getName() === "pc")
      return { kind: "pc", process: readExpr(symbols, scope, arg) };
    if (isSequence(base)) return { kind: "at", seq: readExpr(symbols, scope, base), index: readExpr(symbols, scope, arg) };
    return { kind: "index", base: readExpr(symbols, scope, base), index: readExpr(symbols, scope, arg) };
  }
  if (Node.isPrefixUnaryExpression(node)) {
    const arg = readExpr(symbols, scope, node.getOperand());
    switch (node.getOperatorToken()) {
      case SyntaxKind.ExclamationToken:
        return { kind: "not", arg };
      case SyntaxKind.MinusToken:
        return arg.kind === "int" ? { kind: "int", value: -arg.value } : { kind: "neg", arg };
      case SyntaxKind.PlusToken:
        return arg;
      default:
        return unsupported("This unary operator");
    }
  }
  if (Node.isBinaryExpression(node)) {
    const kind = node.getOperatorToken().getKind();
    const op = binaryOps[kind];
    if (!op) {
      if (kind === SyntaxKind.SlashToken)
        fail(locOf(symbols, node), "`/` is not supported: TLA+ integers divide with \\div", "Use a helper that avoids division, or multiply instead.");
      return unsupported("This operator");
    }
    return { kind: "binary", op, left: readExpr(symbols, scope, node.getLeft()), right: readExpr(symbols, scope, node.getRight()) };
  }
  if (Node.isConditionalExpression(node))
    return {
      kind: "ite",
      cond: readExpr(symbols, scope, node.getCondition()),
      then: readExpr(symbols, scope, node.getWhenTrue()),
      else: readExpr(symbols, scope, node.getWhenFalse()),
    };
  if (Node.isObjectLiteralExpression(node)) {
    const fields = node.getProperties().map((p) => {
      if (Node.isPropertyAssignment(p))
        return { name: p.getName(), value: readExpr(symbols, scope, p.getInitializerOrThrow()) };
      if (Node.isShorthandPropertyAssignment(p))
        return { name: p.getName(), value: readExpr(symbols, scope, p.getNameNode()) };
      return fail(locOf(symbols, p), "Only `name: value` entries are supported in a record literal", "Write each field out.");
    });
    return { kind: "record", fields };
  }
  if (Node.isArrayLiteralExpression(node)) {
    if (node.getElements().some((e) => Node.isSpreadElement(e))) return unsupported("A spread");
    return { kind: "tuple", elements: node.getElements().map((e) => readExpr(symbols, scope, e)) };
  }
  if (Node.isCallExpression(node)) return readCall(symbols, scope, node);
  return unsupported(`A ${node.getKindName()}`);
}

/** Whether an expression is a sequence or tuple (a TypeScript array or tuple), by its type. */
export function isSequence(node: Node): boolean {
  const t = node.getType();
  return t.isArray() || t.isReadonlyArray() || t.isTuple();
}

function short(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

export function isStateRef(scope: Scope, node: Node): boolean {
  return scope.state !== undefined && Node.isIdentifier(node) && node.getText() === scope.state;
}

function readName(symbols: ModuleSymbols, scope: Scope, node: Node): Expr {
  const name = node.getText();
  if (scope.bound.has(name)) return { kind: "bound", name };
  if (name === scope.self) return { kind: "self" };
  if (symbols.constants.has(name)) return { kind: "const", name };
  if (symbols.domains.has(name)) return { kind: "domain", name };
  const literal = symbols.literals.get(name);
  if (literal) return literal;
  if (name === scope.state)
    return fail(locOf(symbols, node), `The state \`${name}\` cannot be used as a value`, `Read one of its variables, e.g. ${name}.x.`);
  if (name === "undefined") return fail(locOf(symbols, node), "`undefined` is not a value here", "Use null with an optional(...) domain.");
  return fail(
    locOf(symbols, node),
    `Unknown name \`${name}\``,
    "Bodies may use the state parameter, the process identity, names bound in the body, and top-level constants, domains and literal consts.",
  );
}

function readProperty(symbols: ModuleSymbols, scope: Scope, node: Node & { getExpression(): Expression; getName(): string }): Expr {
  const target = node.getExpression();
  const name = node.getName();
  if (isStateRef(scope, target)) {
    if (scope.locals.has(name)) return { kind: "local", name };
    if (scope.variables.has(name)) return { kind: "var", name };
    if (scope.allLocals?.has(name)) return { kind: "locals", name };
    if (name === "pc")
      return fail(locOf(symbols, node), "`pc` must be indexed by a process identity", "Write s.pc[p] === \"label\".");
    return fail(locOf(symbols, node), `\`${name}\` is not a state variable${scope.locals.size ? " or local" : ""} of this spec`, "Declare it in the spec's state (or the process's locals).");
  }
  if (name === "size") return { kind: "size", set: readExpr(symbols, scope, target) };
  if (name === "length" && isSequence(target)) return { kind: "len", seq: readExpr(symbols, scope, target) };
  return { kind: "field", base: readExpr(symbols, scope, target), field: name };
}

/** Reads a one-parameter arrow function `(x) => expr` used by forall, mapping, … */
function readLambda(symbols: ModuleSymbols, scope: Scope, node: Node | undefined, what: string): { name: string; body: Expr } {
  if (!node || !(Node.isArrowFunction(node) || Node.isFunctionExpression(node)))
    return fail(locOf(symbols, node ?? symbols.source), `${what} needs a function of one parameter, e.g. (x) => …`);
  const params = node.getParameters();
  const param = params[0];
  if (params.length > 1 || (param && !Node.isIdentifier(param.getNameNode())))
    return fail(locOf(symbols, node), `${what} needs a function of one named parameter`);
  // `() => v` ignores its argument; bind a name the body cannot mention.
  const name = param ? param.getName() : "anyKey";
  return { name, body: readExpr(symbols, withBound(scope, name), lambdaResult(symbols, node)) };
}

/** The expression a lambda returns: its expression body or a block with one `return`. */
export function lambdaResult(symbols: ModuleSymbols, fn: Node & { getBody(): Node | undefined }): Node {
  const body = fn.getBody();
  if (!body) return fail(locOf(symbols, fn), "This function has no body");
  if (!Node.isBlock(body)) return body;
  const stmts = body.getStatements();
  const only = stmts[0];
  if (stmts.length === 1 && only && Node.isReturnStatement(only) && only.getExpression())
    return only.getExpressionOrThrow();
  return fail(locOf(symbols, body), "Here a function must return one expression", "Write it as (x) => expression.");
}

function readCall(symbols: ModuleSymbols, scope: Scope, node: Node & { getArguments(): Node[]; getExpression(): Node }): Expr {
  const args = node.getArguments();
  const arg = (i: number) => readExpr(symbols, scope, args[i] ?? fail(locOf(symbols, node), "Missing argument"));
  const callee = node.getExpression();
  const dsl = dslCallee(symbols, node);
  const quantified = (kind: "quant" | "fn" | "count" | "filter", quantifier?: "forall" | "exists"): Expr => {
    const set = arg(0);
    const { name, body } = readLambda(symbols, scope, args[1], dsl ?? "this");
    if (kind === "quant") return { kind, quantifier: quantifier ?? "forall", name, set, body };
    return { kind, name, set, body };
  };
  switch (dsl) {
    case "forall":
      return quantified("quant", "forall");
    case "exists":
      return quantified("quant", "exists");
    case "mapping":
      return quantified("fn");
    case "count":
      return quantified("count");
    case "filter":
      return quantified("filter");
    case "setLit":
      return { kind: "setOf", elements: args.map((a) => readExpr(symbols, scope, a)) };
    case "union":
    case "minus":
      return { kind: "binary", op: dsl, left: arg(0), right: arg(1) };
    case "member":
      return { kind: "binary", op: "in", left: arg(0), right: arg(1) };
    case "implies":
      return { kind: "binary", op: "implies", left: arg(0), right: arg(1) };
    case "intersect":
      return { kind: "binary", op: "intersect", left: arg(0), right: arg(1) };
    case "tuple":
      return { kind: "tuple", elements: args.map((a) => readExpr(symbols, scope, a)) };
    case "append":
      return { kind: "append", seq: arg(0), value: arg(1) };
    case "head":
    case "tail":
    case "len":
      return { kind: dsl, seq: arg(0) };
    case "concat":
      return { kind: "concat", left: arg(0), right: arg(1) };
    case "subSeq":
      return { kind: "subSeq", seq: arg(0), from: arg(1), to: arg(2) };
    // A domain written in place is the set of its values.
    case "range":
      return { kind: "range", lo: arg(0), hi: arg(1) };
    case "enumOf":
    case "modelValues":
    case "mapOf":
    case "setOf":
    case "record":
    case "optional":
    case "seqOf":
    case "tupleOf":
      return { kind: "typeSet", type: readType(symbols, node) };
    case "anyOf":
      return fail(locOf(symbols, node), "anyOf(…) is an initial value, not an expression", "Use it as a whole init value (init: { x: anyOf(S) }); inside a step, choose a value with const x = choose(S).");
    case undefined:
      break;
    default:
      return fail(
        locOf(symbols, node),
        `${dsl}(…) cannot be used inside an expression`,
        dsl === "choose" ? "Bind it first: const x = choose(S); then use x." : "Use it as a statement of a step body.",
      );
  }
  // set.has(x)
  if (Node.isPropertyAccessExpression(callee) && callee.getName() === "has" && args.length === 1)
    return { kind: "binary", op: "in", left: arg(0), right: readExpr(symbols, scope, callee.getExpression()) };
  // Math.min / Math.max
  if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math" && args.length === 2) {
    const a = arg(0);
    const b = arg(1);
    if (callee.getName() === "min") return { kind: "ite", cond: { kind: "binary", op: "le", left: a, right: b }, then: a, else: b };
    if (callee.getName() === "max") return { kind: "ite", cond: { kind: "binary", op: "ge", left: a, right: b }, then: a, else: b };
  }
  // helper(s, a, b)
  if (Node.isIdentifier(callee) && symbols.definitions.has(callee.getText())) {
    const def = symbols.definitions.get(callee.getText());
    if (!def) throw new Error("unreachable");
    if (def.pure) {
      if (args.length !== def.params.length) return fail(locOf(symbols, node), `${def.name}(…) takes ${def.params.length} arguments`);
      return { kind: "call", name: def.name, args: args.map((a) => readExpr(symbols, scope, a)) };
    }
    const [stateArg, ...rest] = args;
    if (!stateArg || !isStateRef(scope, stateArg))
      return fail(locOf(symbols, node), `The first argument of ${def.name}(…) must be the state \`${scope.state ?? "s"}\``);
    if (rest.length !== def.params.length)
      return fail(locOf(symbols, node), `${def.name}(…) takes ${def.params.length + 1} arguments`);
    return { kind: "call", name: def.name, args: rest.map((a) => readExpr(symbols, scope, a)) };
  }
  if (dslName(symbols, callee)) return fail(locOf(symbols, node), `${callee.getText()}(…) cannot be used here`);
  return fail(
    locOf(symbols, node),
    `Calling \`${short(callee.getText())}\` is not supported`,
    "Only the DSL's functions and the spec's own helper(...) definitions can be called in bodies.",
  );
}
