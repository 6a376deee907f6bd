/**
 * What a rule of the SANY-rules checker reports, and small helpers over tree-sitter nodes shared by
 * the rules.
 */
import type { Node } from "web-tree-sitter";

export type SanyRule = "multiply-defined" | "undefined" | "arity" | "precedence" | "prime" | "value-kind";

export interface SanyRuleProblem {
  rule: SanyRule;
  /** 1-based, in the module text. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  message: string;
}

export type Report = (rule: SanyRule, node: Node, message: string) => void;

export function problemAt(rule: SanyRule, node: Node, message: string): SanyRuleProblem {
  return { rule, line: node.startPosition.row + 1, column: node.startPosition.column + 1, message };
}

/** `line L, col C` as SANY writes a position, for messages that point at a second place. */
export const where = (node: Node): string => `line ${node.startPosition.row + 1}, col ${node.startPosition.column + 1}`;

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

export function fields(node: Node, field: string): Node[] {
  return node.childrenForFieldName(field).filter((c): c is Node => c !== null && c.isNamed);
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** The names a binder introduces: `x`, or the components of `<<x, y>>`. */
export function introNames(intro: Node): Node[] {
  if (intro.type === "identifier") return [intro];
  if (intro.type === "tuple_of_identifiers") return named(intro).filter((c) => c.type === "identifier");
  return [];
}

/** Comments are invisible to SANY (the PlusCal algorithm lives in one). */
export const isComment = (node: Node): boolean => node.type === "comment" || node.type === "block_comment";

/** A node's text on one line, shortened for a message. */
export function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ");
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
