/**
 * Step bodies (a checked subset of TypeScript statements) → IR statements.
 */
import { Node, SyntaxKind, type Statement } from "ts-morph";
import type { Expr, LValue, Stmt } from "../ir.ts";
import { type ModuleSymbols, type Scope, dslCallee, locOf, withBound } from "./context.ts";
import { fail } from "./errors.ts";
import { isSequence, isStateRef, readExpr } from "./read-expr.ts";
import { exprReads, inlineMacros, substituteBound, visitStatements } from "../ir-walk.ts";

const statementHint =
  "A step body may assign state (s.x = …, s.x[i].f = …, +=, -=, ++, --), and use when(…), goto(\"label\"), " +
  "if/else, either(() => {…}, …), const x = choose(S), const x = expression, acquire(…) and release(…).";

/** Reads a list of statements; a `const` scopes over the statements after it. */
export function readStatements(symbols: ModuleSymbols, scope: Scope, stmts: Statement[]): Stmt[] {
  const out: Stmt[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    if (!stmt) continue;
    if (Node.isVariableStatement(stmt)) {
      const decls = stmt.getDeclarations();
      const decl = decls[0];
      if (decls.length !== 1 || !decl || !Node.isIdentifier(decl.getNameNode()))
        fail(locOf(symbols, stmt), "Declare one name per const", "Write const x = …; on its own line.");
      if (stmt.getDeclarationKind() !== "const")
        fail(locOf(symbols, stmt), "Only `const` is supported in a step body", "A step is one atomic transition; use const for a name bound once.");
      const name = decl.getName();
      const init = decl.getInitializer() ?? fail(locOf(symbols, decl), `const ${name} needs a value`);
      const rest = readStatements(symbols, withBound(scope, name), stmts.slice(i + 1));
      const loc = locOf(symbols, stmt);
      if (dslCallee(symbols, init) === "choose" && Node.isCallExpression(init)) {
        const set = init.getArguments()[0] ?? fail(loc, "choose(…) needs a set or domain");
        out.push({ kind: "choose", name, set: readExpr(symbols, scope, set), body: rest, loc });
      } else {
        out.push({ kind: "let", name, value: readExpr(symbols, scope, init), body: rest, loc });
      }
      return out;
    }
    out.push(...readStatement(symbols, scope, stmt));
  }
  return out;
}

function readStatement(symbols: ModuleSymbols, scope: Scope, stmt: Statement): Stmt[] {
  const loc = locOf(symbols, stmt);
  if (Node.isEmptyStatement(stmt)) return [];
  if (Node.isBlock(stmt)) return readStatements(symbols, scope, stmt.getStatements());
  if (Node.isIfStatement(stmt)) {
    const elseStmt = stmt.getElseStatement();
    return [
      {
        kind: "if",
        cond: readExpr(symbols, scope, stmt.getExpression()),
        then: readBranch(symbols, scope, stmt.getThenStatement()),
        else: elseStmt ? readBranch(symbols, scope, elseStmt) : [],
        loc,
      },
    ];
  }
  if (Node.isExpressionStatement(stmt)) return readExpressionStatement(symbols, scope, stmt.getExpression(), loc);
  if (Node.isReturnStatement(stmt))
    return fail(loc, "`return` is not supported in a step body", "Structure the body with if/else; a step always runs to its end.");
  if (Node.isForStatement(stmt) || Node.isForOfStatement(stmt) || Node.isWhileStatement(stmt) || Node.isDoStatement(stmt) || Node.isForInStatement(stmt))
    return fail(
      loc,
      "Loops are not supported inside a step (a step is one atomic transition)",
      "Loop across steps with a process-local counter and goto(\"label\"), or update a whole map at once with mapping(D, (k) => …).",
    );
  return fail(loc, `A ${stmt.getKindName()} is not supported in a step body`, statementHint);
}

function readBranch(symbols: ModuleSymbols, scope: Scope, stmt: Statement): Stmt[] {
  return Node.isBlock(stmt) ? readStatements(symbols, scope, stmt.getStatements()) : readStatement(symbols, scope, stmt);
}

function readExpressionStatement(symbols: ModuleSymbols, scope: Scope, expr: Node, loc: Stmt["loc"]): Stmt[] {
  if (Node.isBinaryExpression(expr)) {
    const op = expr.getOperatorToken().getKind();
    const compound: Partial<Record<SyntaxKind, "add" | "sub">> = {
      [SyntaxKind.PlusEqualsToken]: "add",
      [SyntaxKind.MinusEqualsToken]: "sub",
    };
    if (op === SyntaxKind.EqualsToken) {
      return [{ kind: "assign", target: readLValue(symbols, scope, expr.getLeft()), value: readExpr(symbols, scope, expr.getRight()), loc }];
    }
    const arith = compound[op];
    if (arith) {
      const target = readLValue(symbols, scope, expr.getLeft());
      const current = readExpr(symbols, scope, expr.getLeft());
      return [{ kind: "assign", target, value: { kind: "binary", op: arith, left: current, right: readExpr(symbols, scope, expr.getRight()) }, loc }];
    }
  }
  if (Node.isPostfixUnaryExpression(expr) || Node.isPrefixUnaryExpression(expr)) {
    const token = expr.getOperatorToken();
    if (token === SyntaxKind.PlusPlusToken || token === SyntaxKind.MinusMinusToken) {
      const operand = expr.getOperand();
      const current = readExpr(symbols, scope, operand);
      const op = token === SyntaxKind.PlusPlusToken ? "add" : "sub";
      return [{ kind: "assign", target: readLValue(symbols, scope, operand), value: { kind: "binary", op, left: current, right: { kind: "int", value: 1 } }, loc }];
    }
  }
  if (Node.isCallExpression(expr)) {
    const args = expr.getArguments();
    const first = args[0];
    const callee = expr.getExpression();
    const macro = Node.isIdentifier(callee) ? symbols.macros.get(callee.getText()) : undefined;
    if (macro) {
      if (!first || !isStateRef(scope, first)) return fail(loc, `The first argument of ${macro.name}(…) must be the state \`${scope.state ?? "s"}\``);
      const rest = args.slice(1);
      if (rest.length !== macro.params.length) return fail(loc, `${macro.name}(…) takes ${macro.params.length + 1} arguments`);
      const foreign = [...localsOf(macro.body)].filter((n) => !scope.locals.has(n));
      if (foreign.length)
        return fail(
          loc,
          `${macro.name}(…) uses ${foreign.map((n) => `${scope.state ?? "s"}.${n}`).join(", ")}, which ${foreign.length > 1 ? "are not locals" : "is not a local"} here`,
          "A macro reads and assigns the locals of the process whose step calls it: call it from a process that declares them, or pass the value as an argument.",
        );
      const values = rest.map((a) => readExpr(symbols, scope, a));
      // Textual substitution, as PlusCal expands a macro: each parameter stands for its argument.
      const body = substituteBound(macro.body, new Map(macro.params.map((p, i) => [p, values[i] as Expr])));
      return [{ kind: "macro", name: macro.name, args: values, body, loc }];
    }
    switch (dslCallee(symbols, expr)) {
      case "when":
        if (!first) return fail(loc, "when(…) needs a condition");
        return [{ kind: "await", cond: readExpr(symbols, scope, first), loc }];
      case "goto": {
        if (!first || !(Node.isStringLiteral(first) || Node.isNoSubstitutionTemplateLiteral(first)))
          return fail(loc, "goto(…) needs a label written as a string literal", "Write goto(\"label\").");
        return [{ kind: "goto", label: first.getLiteralValue(), loc }];
      }
      case "either": {
        if (args.length < 2) return fail(loc, "either(…) needs at least two branches", "Write either(() => { … }, () => { … }).");
        const branches = args.map((a) => {
          if (!(Node.isArrowFunction(a) || Node.isFunctionExpression(a)) || a.getParameters().length > 0)
            return fail(locOf(symbols, a), "Each branch of either(…) is a function without parameters", "Write () => { … }.");
          const body = a.getBody();
          return Node.isBlock(body)
            ? readStatements(symbols, scope, body.getStatements())
            : readExpressionStatement(symbols, scope, body, locOf(symbols, body));
        });
        return [{ kind: "either", branches, loc }];
      }
      case "acquire":
      case "release": {
        if (!first) return fail(loc, "acquire/release need the lock variable");
        const target = readLValue(symbols, scope, first);
        const held = readExpr(symbols, scope, first);
        const taking = dslCallee(symbols, expr) === "acquire";
        const free: Expr = { kind: "not", arg: held };
        return taking
          ? [
              { kind: "await", cond: free, loc },
              { kind: "assign", target, value: { kind: "bool", value: true }, loc },
            ]
          : [{ kind: "assign", target, value: { kind: "bool", value: false }, loc }];
      }
      case "choose":
        return fail(loc, "choose(…) must bind a name", "Write const x = choose(S); the rest of the step can use x.");
      case "call": {
        if (!first || !(Node.isStringLiteral(first) || Node.isNoSubstitutionTemplateLiteral(first)))
          return fail(loc, "call(…) needs the procedure's name as a string literal first", 'Write call("Name", …args).');
        return [{ kind: "call", procedure: first.getLiteralValue(), args: args.slice(1).map((a) => readExpr(symbols, scope, a)), loc }];
      }
      case "ret":
        return [{ kind: "return", loc }];
      default:
        break;
    }
  }
  return fail(loc, `This expression statement is not supported: \`${expr.getText().slice(0, 60)}\``, statementHint);
}

/** An assignment target: s.x, s.x[i], s.x[i].f (x a state variable or a local). */
function readLValue(symbols: ModuleSymbols, scope: Scope, node: Node): LValue {
  const path: LValue["path"] = [];
  let cur: Node = node;
  for (;;) {
    if (Node.isParenthesizedExpression(cur) || Node.isNonNullExpression(cur)) {
      cur = cur.getExpression();
      continue;
    }
    if (Node.isElementAccessExpression(cur)) {
      const index = readExpr(symbols, scope, cur.getArgumentExpressionOrThrow());
      path.unshift(isSequence(cur.getExpression()) ? { kind: "at", index } : { kind: "index", index });
      cur = cur.getExpression();
      continue;
    }
    if (Node.isPropertyAccessExpression(cur)) {
      const target = cur.getExpression();
      const name = cur.getName();
      if (isStateRef(scope, target)) {
        if (name === "pc") return fail(locOf(symbols, node), "`pc` cannot be assigned", "Use goto(\"label\") to change where a process continues.");
        if (scope.locals.has(name)) return { scope: "local", name, path };
        if (scope.variables.has(name)) return { scope: "var", name, path };
        return fail(locOf(symbols, cur), `\`${name}\` is not a state variable of this spec`, "Declare it in the spec's state or the process's locals.");
      }
      path.unshift({ kind: "field", field: name });
      cur = target;
      continue;
    }
    return fail(
      locOf(symbols, node),
      `Only state can be assigned: \`${node.getText().slice(0, 60)}\``,
      `Assign a state variable through the state parameter, e.g. ${scope.state ?? "s"}.x = …`,
    );
  }
}

/** The process-local variables a macro's statements read or assign: the caller must have them (its text runs there). */
function localsOf(stmts: Stmt[]): Set<string> {
  const found = new Set<string>();
  const body = inlineMacros(stmts);
  visitStatements(body, {
    expr: (e) => {
      for (const key of exprReads(e)) if (key.startsWith("local:")) found.add(key.slice("local:".length));
    },
  });
  const assigned = (list: Stmt[]): void => {
    for (const st of list) {
      if (st.kind === "assign" && st.target.scope === "local") found.add(st.target.name);
      else if (st.kind === "if") assigned([...st.then, ...st.else]);
      else if (st.kind === "either") assigned(st.branches.flat());
      else if (st.kind === "choose" || st.kind === "let") assigned(st.body);
    }
  };
  assigned(body);
  return found;
}
