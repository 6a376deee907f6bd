/**
 * A limit on how deeply a spec may nest. The TypeScript parser, raidspec's readers and generators and
 * the engines all recurse once per level, so a spec nested thousands of levels deep would exhaust the
 * stack somewhere with an unhelpful RangeError. Real specs nest a few dozen levels at most.
 */
import { type Node, ts } from "ts-morph";
import { fail } from "./errors.ts";

/** Brackets a spec may nest. */
export const MAX_BRACKETS = 100;
/** Syntax-tree levels a spec may nest (a chained spec(…).process(…)… call takes two per call). */
export const MAX_TREE_DEPTH = 500;

const hint = "Split the expression with helper(…) definitions or const names.";

/**
 * Checks the bracket depth of the source text (strings and comments skipped) before the TypeScript
 * parser sees it: the parser itself recurses once per bracket.
 */
export function checkNesting(text: string, file: string): void {
  let depth = 0;
  let line = 1;
  let column = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line += 1;
      column = 1;
      continue;
    }
    column += 1;
    if (c === "/" && text[i + 1] === "/") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const skipped = text.slice(i, end < 0 ? text.length : end + 2);
      const lines = skipped.split("\n");
      if (lines.length > 1) {
        line += lines.length - 1;
        column = (lines.at(-1) ?? "").length + 1;
      } else column += skipped.length - 1;
      i += skipped.length - 1;
    } else if (c === '"' || c === "'" || c === "`") {
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === "\\") i++;
        if (text[i] === "\n") {
          line += 1;
          column = 0;
        }
        column += 1;
      }
      column += 1;
    } else if (c === "(" || c === "[" || c === "{") {
      depth += 1;
      if (depth > MAX_BRACKETS) fail({ file, line, column: column - 1 }, `The spec nests brackets more than ${MAX_BRACKETS} levels deep (raidspec's limit)`, hint);
    } else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
  }
}

/**
 * Checks the depth of the parsed syntax tree (chains of operators nest without brackets), without
 * recursion.
 */
export function checkTreeDepth(source: Node, file: string): void {
  const stack: [ts.Node, number][] = [[source.compilerNode, 0]];
  const sf = source.getSourceFile().compilerNode;
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [ts.Node, number];
    if (depth > MAX_TREE_DEPTH) {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      fail({ file, line: line + 1, column: character + 1 }, `The spec nests expressions more than ${MAX_TREE_DEPTH} syntax levels deep (raidspec's limit)`, hint);
    }
    node.forEachChild((child) => {
      stack.push([child, depth + 1]);
    });
  }
}
