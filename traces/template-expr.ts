/**
 * The small expression language of story templates (`{towrite[wsh][wdev]}`, `if !added: …`), read into
 * IR expressions so the same interpreter evaluates them as the spec's own.
 *
 * It is the spec's expression syntax without the state parameter: a state variable, process-local
 * variable, constant or domain is named bare (`counter[chunkOf(wsh)]`, not `s.counter[chunkOf(s, wsh)]`);
 * helpers are called without the state; outside a step a process-local variable is its map over the
 * process ids (`wsh[w]`), and so is `pc`; `old(e)` reads e in the state before the step, `hex(n)` prints
 * an integer in hexadecimal. Operators: `! - + * == === != !== < <= > >= && ||`, `x[i]`, `x.f`,
 * parentheses; literals: integers, "strings", true, false, none (or null).
 */
import type { Expr, Process, Spec } from "../generator/ir.ts";
import { HEX, OLD } from "./eval.ts";

/** The names a template may mention besides the spec's own. */
export interface TemplateScope {
  spec: Spec;
  /** The process whose step it tells (for `self` and its locals). */
  process?: Process;
  /** Names bound where it is evaluated: a step's choices, an invariant's quantified names. */
  bound: ReadonlySet<string>;
}

export class TemplateError extends Error {
  constructor(
    message: string,
    /** Offset in the template text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

type Token = { kind: "num" | "str" | "name" | "op"; text: string; at: number };

const OPS = ["===", "!==", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "-", "+", "*", "(", ")", "[", "]", ".", ","];

function tokenize(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^\d+/.exec(text.slice(i, end));
    if (num) {
      tokens.push({ kind: "num", text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i, end));
    if (name) {
      tokens.push({ kind: "name", text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0 || close >= end) throw new TemplateError("unterminated string", i);
      tokens.push({ kind: "str", text: text.slice(i + 1, close), at: i });
      i = close + 1;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new TemplateError(`unexpected character ${JSON.stringify(c)}`, i);
    tokens.push({ kind: "op", text: op, at: i });
    i += op.length;
  }
  return tokens;
}

const BINARY: Record<string, { prec: number; op: Extract<Expr, { kind: "binary" }>["op"] }> = {
  "||": { prec: 1, op: "or" },
  "&&": { prec: 2, op: "and" },
  "==": { prec: 3, op: "eq" },
  "===": { prec: 3, op: "eq" },
  "!=": { prec: 3, op: "neq" },
  "!==": { prec: 3, op: "neq" },
  "<": { prec: 4, op: "lt" },
  "<=": { prec: 4, op: "le" },
  ">": { prec: 4, op: "gt" },
  ">=": { prec: 4, op: "ge" },
  "+": { prec: 5, op: "add" },
  "-": { prec: 5, op: "sub" },
  "*": { prec: 6, op: "mul" },
};

/** Reads the expression `text[start..end)`; offsets in errors are positions in `text`. */
export function parseTemplateExpr(text: string, start: number, end: number, scope: TemplateScope): { expr: Expr } {
  const tokens = tokenize(text, start, end);
  let pos = 0;
  const peek = () => tokens[pos];
  const at = () => peek()?.at ?? end;
  const take = (op?: string): Token => {
    const t = tokens[pos];
    if (!t) throw new TemplateError(op ? `expected ${op}` : "unexpected end of the expression", end);
    if (op && (t.kind !== "op" || t.text !== op)) throw new TemplateError(`expected ${op}, found ${t.text}`, t.at);
    pos++;
    return t;
  };
  const isOp = (op: string) => peek()?.kind === "op" && peek()?.text === op;

  const expression = (minPrec: number): Expr => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t || t.kind !== "op") break;
      const b = BINARY[t.text];
      if (!b || b.prec < minPrec) break;
      pos++;
      left = { kind: "binary", op: b.op, left, right: expression(b.prec + 1) };
    }
    return left;
  };
  const unary = (): Expr => {
    if (isOp("!")) {
      pos++;
      return { kind: "not", arg: unary() };
    }
    if (isOp("-")) {
      pos++;
      return { kind: "neg", arg: unary() };
    }
    return postfix(primary());
  };
  const postfix = (base: Expr): Expr => {
    for (;;) {
      if (isOp("[")) {
        pos++;
        const index = expression(0);
        take("]");
        base = { kind: "index", base, index };
      } else if (isOp(".")) {
        pos++;
        const name = take();
        if (name.kind !== "name") throw new TemplateError("expected a field name after .", name.at);
        base = { kind: "field", base, field: name.text };
      } else return base;
    }
  };
  const args = (): Expr[] => {
    take("(");
    const out: Expr[] = [];
    while (!isOp(")")) {
      out.push(expression(0));
      if (!isOp(")")) take(",");
    }
    take(")");
    return out;
  };
  const primary = (): Expr => {
    const t = take();
    if (t.kind === "num") return { kind: "int", value: Number(t.text) };
    if (t.kind === "str") return { kind: "string", value: t.text };
    if (t.kind === "op") {
      if (t.text !== "(") throw new TemplateError(`unexpected ${t.text}`, t.at);
      const inner = expression(0);
      take(")");
      return inner;
    }
    return named(t);
  };
  const named = (t: Token): Expr => {
    const name = t.text;
    if (isOp("(")) {
      const a = args();
      if (name === "old" || name === "hex") {
        if (a.length !== 1) throw new TemplateError(`${name}(…) takes one argument`, t.at);
        return { kind: "call", name: name === "old" ? OLD : HEX, args: a };
      }
      const def = scope.spec.definitions.find((d) => d.name === name);
      if (!def) throw new TemplateError(`unknown helper ${name}`, t.at);
      if (def.params.length !== a.length) throw new TemplateError(`${name} takes ${def.params.length} argument(s) besides the state`, t.at);
      return { kind: "call", name, args: a };
    }
    if (name === "true" || name === "false") return { kind: "bool", value: name === "true" };
    if (name === "none" || name === "null") return { kind: "none" };
    if (name === "self") {
      if (!scope.process) throw new TemplateError("self is only known in a step's story", t.at);
      return { kind: "self" };
    }
    if (scope.bound.has(name)) return { kind: "bound", name };
    if (scope.process?.locals.some((l) => l.name === name)) return { kind: "local", name };
    // Outside a step (an invariant's or a property's story) a local is its map over the process ids: wsh[w];
    // pc, the label of every process, is read the same way (pc[w]).
    if (!scope.process && (name === "pc" || scope.spec.processes.some((p) => p.locals.some((l) => l.name === name)))) return { kind: "locals", name };
    if (scope.spec.variables.some((v) => v.name === name)) return { kind: "var", name };
    if (scope.spec.constants.some((c) => c.name === name)) return { kind: "const", name };
    if (scope.spec.domains.some((d) => d.name === name)) return { kind: "domain", name };
    if (scope.spec.definitions.some((d) => d.name === name)) throw new TemplateError(`${name} is a helper: call it, e.g. ${name}(…)`, t.at);
    const known = [...scope.bound, ...(scope.process?.locals.map((l) => l.name) ?? [])];
    throw new TemplateError(`unknown name ${name}${known.length ? ` (names here: ${known.join(", ")}, and the spec's variables, constants, domains and helpers)` : ""}`, t.at);
  };

  const expr = expression(0);
  if (pos < tokens.length) throw new TemplateError(`unexpected ${peek()?.text}`, at());
  return { expr };
}
