/**
 * What the front end knows while it reads one spec module: the names declared at its top level and
 * how the DSL's functions were imported.
 */
import { Node, type SourceFile } from "ts-morph";
import type { Constant, Definition, DomainDecl, Expr, Macro, SourceLoc } from "../ir.ts";

export interface ModuleSymbols {
  /** The spec file, relative to the project root (for messages). */
  file: string;
  source: SourceFile;
  /** Local name → DSL export name, for `import { range as r } from ".../dsl"`. */
  dslNames: Map<string, string>;
  /** Names of `import * as d from ".../dsl"`. */
  dslNamespaces: Set<string>;
  constants: Map<string, Constant>;
  domains: Map<string, DomainDecl>;
  /** Top-level `const X = <literal>`: inlined where used. */
  literals: Map<string, Expr>;
  /** Helpers declared with `helper(...)`, by name, with their parameter names (state first). */
  definitions: Map<string, Definition>;
  /** Macros declared with `macro(...)`, by name (their statements read once the state is known). */
  macros: Map<string, Macro>;
  /** Names of the TLC model values the spec declares (a string literal with one of them is that value). */
  modelValues: Set<string>;
  /** The spec gives its initial states by `.initially(…)`: a variable without init value ranges over its type. */
  freeInit?: boolean;
}

/** The names in scope inside a body or expression. */
export interface Scope {
  /** The parameter that holds the state (`s`), when the body has one. */
  state?: string;
  /** The parameter that holds the executing process's identity. */
  self?: string;
  /** Process-local variables visible here. */
  locals: ReadonlySet<string>;
  /** Global state variables. */
  variables: ReadonlySet<string>;
  /** Every process set's locals, readable as maps over identities (in invariants). */
  allLocals?: ReadonlySet<string>;
  /** Names bound by lambdas, `choose`, `const`, or helper parameters. */
  bound: ReadonlySet<string>;
}

export function locOf(symbols: ModuleSymbols, node: Node): SourceLoc {
  // The compiler's line table (a binary search); ts-morph's getLineAndColumnAtPos rescans the text
  // from its start on every call, which made reading md/raid5 quadratic in its length.
  const { line, character } = symbols.source.compilerNode.getLineAndCharacterOfPosition(node.getStart());
  return { file: symbols.file, line: line + 1, column: character + 1 };
}

/** If `node` calls a DSL function (`range(…)` or `d.range(…)`), that function's DSL name. */
export function dslCallee(symbols: ModuleSymbols, node: Node): string | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  return dslName(symbols, node.getExpression());
}

/** If `node` names a DSL export (`bool`, `d.bool`), that export's name. */
export function dslName(symbols: ModuleSymbols, node: Node): string | undefined {
  if (Node.isIdentifier(node)) return symbols.dslNames.get(node.getText());
  if (Node.isPropertyAccessExpression(node)) {
    const target = node.getExpression();
    if (Node.isIdentifier(target) && symbols.dslNamespaces.has(target.getText())) return node.getName();
  }
  return undefined;
}

export function withBound(scope: Scope, ...names: string[]): Scope {
  return { ...scope, bound: new Set([...scope.bound, ...names]) };
}

/** Leading JSDoc text of a declaration, if any. */
export function docOf(node: Node): string | undefined {
  const ranges = node.getLeadingCommentRanges();
  const last = ranges[ranges.length - 1];
  if (!last) return undefined;
  const text = last.getText();
  if (!text.startsWith("/**")) return undefined;
  return text
    .replace(/^\/\*\*\s?/, "")
    .replace(/\s*\*\/$/, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, ""))
    .join("\n")
    .trim();
}
