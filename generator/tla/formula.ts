/**
 * Formulas of a TLA+ action (junction lists, IF/THEN/ELSE, \E, LET) and their layout.
 *
 * TLA+ reads `/\` and `\/` lists by their column, so the layout is computed, not concatenated: each
 * item's continuation lines are indented past its bullet.
 */

export type Formula =
  /** `point`: the branch point (generator/branches.ts) an await's atom is, for coverage. */
  | { kind: "atom"; text: string; point?: string }
  | { kind: "and"; items: Formula[] }
  | { kind: "or"; items: Formula[]; point?: string }
  | { kind: "ite"; cond: string; then: Formula; else: Formula; point?: string }
  | { kind: "exists"; name: string; set: string; body: Formula }
  | { kind: "let"; name: string; value: string; body: Formula };

export const atom = (text: string): Formula => ({ kind: "atom", text });
export const and = (items: Formula[]): Formula => ({ kind: "and", items });

/** Where a formula's text lies in its definition: lines from 0, columns from 0, the end exclusive. */
export interface FormulaSpan {
  formula: Formula;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/**
 * Lays out a formula whose first character sits at column `col`. The first line has no indentation
 * (the caller has placed it); later lines carry their absolute indentation. With `spans`, every node's
 * place is recorded too, its first line being line `line` (coverage reads TLC's per-expression counts
 * by these places).
 */
export function layout(f: Formula, col: number, spans?: FormulaSpan[], line = 0): string[] {
  const pad = (n: number) => " ".repeat(n);
  const lines = ((): string[] => {
    switch (f.kind) {
      case "atom":
        return [f.text];
      case "and":
      case "or": {
        const items = f.items.length === 0 ? [atom("TRUE")] : f.items;
        if (items.length === 1 && items[0]) return layout(items[0], col, spans, line);
        const bullet = f.kind === "and" ? "/\\ " : "\\/ ";
        let at = line;
        return items.flatMap((item, i) => {
          const [first = "", ...rest] = layout(item, col + 3, spans, at);
          at += 1 + rest.length;
          return [`${i === 0 ? "" : pad(col)}${bullet}${first}`, ...rest];
        });
      }
      case "ite": {
        const [t0 = "", ...tr] = layout(f.then, col + 8, spans, line + 1);
        const [e0 = "", ...er] = layout(f.else, col + 8, spans, line + 2 + tr.length);
        return [`IF ${f.cond}`, `${pad(col + 3)}THEN ${t0}`, ...tr, `${pad(col + 3)}ELSE ${e0}`, ...er];
      }
      case "exists":
      case "let": {
        const prefix = f.kind === "exists" ? `\\E ${f.name} \\in ${f.set} : ` : `LET ${f.name} == ${f.value} IN `;
        const [b0 = "", ...br] = layout(f.body, col + prefix.length, spans, line);
        return [`${prefix}${b0}`, ...br];
      }
    }
  })();
  const last = lines[lines.length - 1] ?? "";
  spans?.push({ formula: f, line, col, endLine: line + lines.length - 1, endCol: lines.length === 1 ? col + last.length : last.length });
  return lines;
}

/** `name == formula`, laid out. */
export function definition(head: string, f: Formula): string {
  const prefix = `${head} == `;
  const [first = "", ...rest] = layout(f, prefix.length);
  return [`${prefix}${first}`, ...rest].join("\n");
}
