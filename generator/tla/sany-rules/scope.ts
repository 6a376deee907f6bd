/**
 * Names, as SANY resolves them: every declaration (module definition, CONSTANT, VARIABLE, operator
 * parameter, LET definition, the names bound by \A, \E, CHOOSE, set filters and maps, function
 * constructors and function definitions) must not reuse a name already visible where it is made
 * ("Multiply-defined symbol"), including the names the EXTENDS'd standard modules define; every name
 * used must be declared before (“Unknown operator”); and an operator is applied to as many arguments
 * as it takes (“The operator F requires 1 arguments”).
 */
import type { Node } from "web-tree-sitter";
import { extendedOperators, standardModules } from "../reserved.ts";
import { type Report, field, fields, introNames, isComment, named, where } from "./problem.ts";

export type SymbolKind = "standard" | "constant" | "variable" | "definition" | "parameter" | "bound";

export interface TlaSymbol {
  name: string;
  kind: SymbolKind;
  /** How many arguments it takes (0 for values, bound names and functions). */
  arity: number;
  /** Where it is declared (none for the standard modules' operators). */
  node?: Node;
}

class Scope {
  readonly symbols = new Map<string, TlaSymbol>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): TlaSymbol | undefined {
    return this.symbols.get(name) ?? this.parent?.lookup(name);
  }
}

/** A module-level definition, for the rules that follow references (levels, value kinds). */
export interface ModuleDefinition {
  name: string;
  params: string[];
  /** The defining expression. */
  body: Node;
  node: Node;
}

export interface ModuleSymbols {
  extended: string[];
  constants: Set<string>;
  variables: Set<string>;
  definitions: Map<string, ModuleDefinition>;
}

/** Checks the names of a module and returns what it declares at the top level. */
export function checkScopes(module: Node, report: Report): ModuleSymbols {
  const top = new Scope();
  const out: ModuleSymbols = { extended: [], constants: new Set(), variables: new Set(), definitions: new Map() };

  const declare = (scope: Scope, node: Node, kind: SymbolKind, arity: number): void => {
    const name = node.text;
    const before = scope.lookup(name);
    if (before)
      report(
        "multiply-defined",
        node,
        before.node
          ? `Multiply-defined symbol '${name}': it is already declared at ${where(before.node)}`
          : `Multiply-defined symbol '${name}': a standard module this module EXTENDS defines it`,
      );
    scope.symbols.set(name, { name, kind, arity, node });
  };

  const reference = (scope: Scope, ref: Node, args: number): void => {
    const sym = scope.lookup(ref.text);
    if (!sym) report("undefined", ref, `Unknown operator: '${ref.text}' (not declared before this point)`);
    else if (sym.arity !== args)
      report("arity", ref, `The operator ${ref.text} requires ${sym.arity} argument${sym.arity === 1 ? "" : "s"}, not ${args}`);
  };

  /** Names bound by quantifier bounds: their sets are read outside, the names inside. */
  const bindBounds = (scope: Scope, bounds: Node[]): Scope => {
    for (const b of bounds) {
      const set = field(b, "set");
      if (set) expr(set, scope);
    }
    const inner = new Scope(scope);
    for (const b of bounds) for (const intro of fields(b, "intro")) for (const n of introNames(intro)) declare(inner, n, "bound", 0);
    return inner;
  };

  const definition = (node: Node, scope: Scope): void => {
    if (node.type === "operator_definition") {
      const nameNode = field(node, "name");
      const params = fields(node, "parameter");
      const inner = new Scope(scope);
      for (const p of params) {
        if (p.type === "identifier") declare(inner, p, "parameter", 0);
        else if (p.type === "operator_declaration") {
          const n = field(p, "name");
          if (n) declare(inner, n, "parameter", named(p).filter((c) => c.type === "placeholder").length);
        }
      }
      const body = field(node, "definition");
      if (body) expr(body, inner);
      // The name is declared after its body: a definition cannot use itself (no RECURSIVE here).
      if (nameNode?.type === "identifier") {
        declare(scope, nameNode, "definition", params.length);
        if (scope === top && body) out.definitions.set(nameNode.text, { name: nameNode.text, params: params.map((p) => p.text), body, node });
      }
    } else if (node.type === "function_definition") {
      const nameNode = field(node, "name");
      // f[x \in S] == … may use f in its body.
      if (nameNode) declare(scope, nameNode, "definition", 0);
      const inner = bindBounds(
        scope,
        named(node).filter((c) => c.type === "quantifier_bound"),
      );
      const body = field(node, "definition");
      if (body) expr(body, inner);
      if (scope === top && nameNode && body) out.definitions.set(nameNode.text, { name: nameNode.text, params: [], body, node });
    } else {
      walk(node, scope);
    }
  };

  const walk = (node: Node, scope: Scope): void => {
    for (const c of named(node)) expr(c, scope);
  };

  const expr = (node: Node, scope: Scope): void => {
    if (isComment(node)) return;
    switch (node.type) {
      case "identifier_ref":
        reference(scope, node, 0);
        return;
      case "bound_op": {
        const name = field(node, "name");
        const args = fields(node, "parameter");
        if (name) reference(scope, name, args.length);
        for (const a of args) expr(a, scope);
        return;
      }
      case "bounded_quantification": {
        const inner = bindBounds(
          scope,
          fields(node, "bound").filter((b) => b.type === "quantifier_bound"),
        );
        const body = field(node, "expression");
        if (body) expr(body, inner);
        return;
      }
      case "unbounded_quantification": {
        const inner = new Scope(scope);
        for (const n of fields(node, "intro")) declare(inner, n, "bound", 0);
        const body = field(node, "expression");
        if (body) expr(body, inner);
        return;
      }
      case "choose": {
        const set = field(node, "set");
        if (set) expr(set, scope);
        const inner = new Scope(scope);
        for (const intro of fields(node, "intro")) for (const n of introNames(intro)) declare(inner, n, "bound", 0);
        const body = field(node, "expression");
        if (body) expr(body, inner);
        return;
      }
      case "set_filter": {
        const inner = bindBounds(scope, fields(node, "generator"));
        const body = field(node, "filter");
        if (body) expr(body, inner);
        return;
      }
      case "set_map": {
        const inner = bindBounds(
          scope,
          fields(node, "generator").filter((b) => b.type === "quantifier_bound"),
        );
        const body = field(node, "map");
        if (body) expr(body, inner);
        return;
      }
      case "function_literal": {
        const children = named(node);
        const inner = bindBounds(
          scope,
          children.filter((c) => c.type === "quantifier_bound"),
        );
        for (const c of children) if (c.type !== "quantifier_bound" && c.type !== "all_map_to") expr(c, inner);
        return;
      }
      case "let_in": {
        const inner = new Scope(scope);
        for (const d of fields(node, "definitions")) definition(d, inner);
        const body = field(node, "expression");
        if (body) expr(body, inner);
        return;
      }
      case "record_value": {
        // r.f: the field name is not a reference.
        const [base] = named(node);
        if (base) expr(base, scope);
        return;
      }
      case "except_update_record_field":
        return;
      case "record_literal":
      case "set_of_records":
        // [f |-> e], [f : S]: field names are identifiers, not references.
        for (const c of named(node)) if (c.type !== "identifier") expr(c, scope);
        return;
      case "nat_number_set":
      case "int_number_set":
        if (!scope.lookup(node.type === "nat_number_set" ? "Nat" : "Int"))
          report("undefined", node, `Unknown operator: '${node.text}' (EXTEND Naturals or Integers)`);
        return;
      default:
        walk(node, scope);
    }
  };

  for (const unit of named(module)) {
    if (isComment(unit)) continue;
    switch (unit.type) {
      case "extends":
        for (const ref of named(unit)) {
          if (!standardModules.includes(ref.text)) {
            report("undefined", ref, `EXTENDS ${ref.text}: not a standard module this checker knows`);
            continue;
          }
          out.extended.push(ref.text);
          for (const [name, arity] of extendedOperators([ref.text])) top.symbols.set(name, { name, kind: "standard", arity });
        }
        break;
      case "constant_declaration":
        for (const c of named(unit)) {
          if (c.type === "identifier") {
            declare(top, c, "constant", 0);
            out.constants.add(c.text);
          } else if (c.type === "operator_declaration") {
            const n = field(c, "name");
            if (n) declare(top, n, "constant", named(c).filter((x) => x.type === "placeholder").length);
          }
        }
        break;
      case "variable_declaration":
        for (const v of named(unit)) {
          if (v.type !== "identifier") continue;
          declare(top, v, "variable", 0);
          out.variables.add(v.text);
        }
        break;
      case "operator_definition":
      case "function_definition":
        definition(unit, top);
        break;
      case "header_line":
      case "identifier":
      case "double_line":
      case "single_line":
        break;
      default:
        walk(unit, top);
    }
  }
  return out;
}
