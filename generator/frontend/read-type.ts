/**
 * Domain expressions (`range(0, N)`, `mapOf(Stripes, bool)`, …) → IR types.
 */
import { Node } from "ts-morph";
import type { Type } from "../ir.ts";
import { type ModuleSymbols, type Scope, dslCallee, dslName, locOf } from "./context.ts";
import { fail } from "./errors.ts";
import { readExpr } from "./read-expr.ts";

const noState: Scope = { locals: new Set(), variables: new Set(), bound: new Set() };

const domainHint =
  "Domains are bool, range(lo, hi), enumOf(…), mapOf(K, V), record({…}), setOf(D), optional(D), seqOf(D, maxLen), tupleOf(D1, D2, …), or a top-level domain's name.";

export function readType(symbols: ModuleSymbols, node: Node): Type {
  if (Node.isIdentifier(node) && symbols.domains.has(node.getText())) return { kind: "named", name: node.getText() };
  if (dslName(symbols, node) === "bool") return { kind: "bool" };
  if (!Node.isCallExpression(node)) return fail(locOf(symbols, node), `\`${node.getText()}\` is not a domain`, domainHint);
  const args = node.getArguments();
  const arg = (i: number): Node => args[i] ?? fail(locOf(symbols, node), `Missing argument ${i + 1}`);
  switch (dslCallee(symbols, node)) {
    case "range":
      return { kind: "int", lo: readExpr(symbols, noState, arg(0)), hi: readExpr(symbols, noState, arg(1)) };
    case "enumOf":
      return {
        kind: "enum",
        values: args.map((a) =>
          Node.isStringLiteral(a) ? a.getLiteralValue() : fail(locOf(symbols, a), "enumOf(…) takes string literals"),
        ),
      };
    case "modelValues": {
      const values = args.map((a) => (Node.isStringLiteral(a) ? a.getLiteralValue() : fail(locOf(symbols, a), "modelValues(…) takes the values' names as string literals")));
      for (const v of values) symbols.modelValues.add(v);
      return { kind: "enum", values, model: true };
    }
    case "mapOf":
      return { kind: "map", key: readType(symbols, arg(0)), value: readType(symbols, arg(1)) };
    case "setOf":
      return { kind: "set", element: readType(symbols, arg(0)) };
    case "optional":
      return { kind: "optional", value: readType(symbols, arg(0)) };
    case "seqOf":
      return { kind: "seq", element: readType(symbols, arg(0)), maxLen: readExpr(symbols, noState, arg(1)) };
    case "tupleOf":
      if (args.length === 0) return fail(locOf(symbols, node), "tupleOf(…) needs at least one domain");
      return { kind: "tuple", elements: args.map((a) => readType(symbols, a)) };
    case "record": {
      const fields = arg(0);
      if (!Node.isObjectLiteralExpression(fields)) return fail(locOf(symbols, fields), "record(…) takes an object of domains");
      return {
        kind: "record",
        fields: fields.getProperties().map((p) => {
          if (!Node.isPropertyAssignment(p)) return fail(locOf(symbols, p), "Write each record field as name: domain");
          return { name: p.getName(), type: readType(symbols, p.getInitializerOrThrow()) };
        }),
      };
    }
    default:
      return fail(locOf(symbols, node), `\`${node.getText().slice(0, 60)}\` is not a domain`, domainHint);
  }
}
