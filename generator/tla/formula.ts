/**
 * Formulas of a TLA+ action (junction lists, IF/THEN/ELSE, \E, LET) and their layout.
 *
 * TLA+ reads `/\` and `\/` lists by their column, so the layout is computed, not concatenated: each
 * item's continuation lines are indented past its bullet.
 */

export type Formula =
  | { kind: "atom"; text: string }
  | { kind: "and"; items: Formula[] }
  | { kind: "or"; items: Formula[] }
  | { kind: "ite"; cond: string; then: Formula; else: Formula }
  | { kind: "exists"; name: string; set: string; body: Formula }
  | { kind: "let"; name: string; value: string; body: Formula };

export const atom = (text: string): Formula => ({ kind: "atom", text });
export const and = (items: Formula[]): Formula => ({ kind: "and", items });

/**
 * Lays out a formula whose first character sits at column `col`. The first line has no indentation
 * (the caller has placed it); later lines carry their absolute indentation.
 */
export function layout(f: Formula, col: number): string[] {
  const pad = (n: number) => " ".repeat(n);
  switch (f.kind) {
    case "atom":
      return [f.text];
    case "and":
    case "or": {
      const items = f.items.length === 0 ? [atom("TRUE")] : f.items;
      if (items.length === 1 && items[0]) return layout(items[0], col);
      const bullet = f.kind === "and" ? "/\\ " : "\\/ ";
      return items.flatMap((item, i) => {
        const [first = "", ...rest] = layout(item, col + 3);
        return [`${i === 0 ? "" : pad(col)}${bullet}${first}`, ...rest];
      });
    }
    case "ite": {
      const [t0 = "", ...tr] = layout(f.then, col + 8);
      const [e0 = "", ...er] = layout(f.else, col + 8);
      return [`IF ${f.cond}`, `${pad(col + 3)}THEN ${t0}`, ...tr, `${pad(col + 3)}ELSE ${e0}`, ...er];
    }
    case "exists":
    case "let": {
      const prefix = f.kind === "exists" ? `\\E ${f.name} \\in ${f.set} : ` : `LET ${f.name} == ${f.value} IN `;
      const [b0 = "", ...br] = layout(f.body, col + prefix.length);
      return [`${prefix}${b0}`, ...br];
    }
  }
}

/** `name == formula`, laid out. */
export function definition(head: string, f: Formula): string {
  const prefix = `${head} == `;
  const [first = "", ...rest] = layout(f, prefix.length);
  return [`${prefix}${first}`, ...rest].join("\n");
}
