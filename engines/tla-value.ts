/**
 * Reads TLA+ values as TLC prints them in error traces and as tla-checker prints them in its
 * `display` strings, into a small typed tree that engines turn into the shared JSON state shape.
 *
 * Only values are read, never expressions: what a model checker prints is always fully evaluated,
 * so operators (other than the function constructors `:>`/`@@` and the interval `a..b`, which TLC
 * uses to print values) are rejected with a message naming the column.
 */

export type TlaValue =
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: number }
  | { kind: "string"; value: string }
  | { kind: "model"; name: string }
  | { kind: "set"; elements: TlaValue[] }
  | { kind: "seq"; elements: TlaValue[] }
  | { kind: "record"; fields: { name: string; value: TlaValue }[] }
  | { kind: "fn"; entries: { key: TlaValue; value: TlaValue }[] };

/** TLC prints `1..3` for an interval it never enumerated; past this size expanding it is a mistake. */
const MAX_INTERVAL_ELEMENTS = 100_000;

type TokenKind =
  | "int"
  | "string"
  | "ident"
  | "{"
  | "}"
  | "<<"
  | ">>"
  | "["
  | "]"
  | "("
  | ")"
  | ","
  | "|->"
  | ":>"
  | "@@"
  | ".."
  | "eof";

interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based offset into the input, for error messages. */
  at: number;
}

const PUNCTUATION: readonly [string, TokenKind][] = [
  // Longest first, so `<<` is not read as two `<`.
  ["|->", "|->"],
  ["\u21a6", "|->"], // ↦, which tla-checker prints in some places instead of |->
  ["<<", "<<"],
  [">>", ">>"],
  [":>", ":>"],
  ["@@", "@@"],
  ["..", ".."],
  ["{", "{"],
  ["}", "}"],
  ["[", "["],
  ["]", "]"],
  ["(", "("],
  [")", ")"],
  [",", ","],
];

const STRING_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r", f: "\f" };

function describeAt(input: string, at: number): string {
  const line = input.slice(0, at).split("\n").length;
  const column = at - input.lastIndexOf("\n", at - 1);
  return input.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
}

function valueError(input: string, at: number, what: string): Error {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return new Error(`Cannot read TLA+ value at ${describeAt(input, at)}: ${what} (in \`${shown}\`)`);
}

function readString(input: string, start: number): { token: Token; end: number } {
  let value = "";
  let i = start + 1;
  while (i < input.length) {
    const c = input[i];
    if (c === '"') return { token: { kind: "string", text: value, at: start }, end: i + 1 };
    if (c === "\\") {
      const escaped = STRING_ESCAPES[input[i + 1] ?? ""];
      if (escaped === undefined) throw valueError(input, i, `unknown escape \`\\${input[i + 1] ?? ""}\` in a string`);
      value += escaped;
      i += 2;
      continue;
    }
    value += c;
    i += 1;
  }
  throw valueError(input, start, "a string is not closed with `\"`");
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '"') {
      const { token, end } = readString(input, i);
      tokens.push(token);
      i = end;
      continue;
    }
    const number = /^-?\d+/.exec(input.slice(i, i + 40));
    if (number) {
      tokens.push({ kind: "int", text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i, i + 200));
    if (ident) {
      tokens.push({ kind: "ident", text: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    const punct = PUNCTUATION.find(([p]) => input.startsWith(p, i));
    if (!punct) throw valueError(input, i, `unexpected character \`${c}\``);
    tokens.push({ kind: punct[1], text: punct[0], at: i });
    i += punct[0].length;
  }
  tokens.push({ kind: "eof", text: "end of input", at: input.length });
  return tokens;
}

/** Recursive descent over the token list; one instance per parse. */
class ValueReader {
  private pos = 0;

  constructor(
    private readonly input: string,
    private readonly tokens: Token[],
  ) {}

  readAll(): TlaValue {
    const value = this.expression();
    this.expect("eof");
    return value;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (token.kind !== "eof") this.pos += 1;
    return token;
  }

  private accept(kind: TokenKind): boolean {
    if (this.peek().kind !== kind) return false;
    this.pos += 1;
    return true;
  }

  private expect(kind: TokenKind): Token {
    const token = this.peek();
    if (token.kind !== kind) {
      const wanted = kind === "eof" ? "the end of the value" : `\`${kind}\``;
      throw valueError(this.input, token.at, `expected ${wanted} but found \`${token.text}\``);
    }
    return this.next();
  }

  /** `a :> x @@ b :> y`: TLC's way of printing a function whose domain is not 1..n. */
  private expression(): TlaValue {
    const first = this.mapping();
    if (this.peek().kind !== "@@") return first;
    const parts = [first];
    while (this.accept("@@")) parts.push(this.mapping());
    const entries: { key: TlaValue; value: TlaValue }[] = [];
    for (const part of parts) {
      if (part.kind !== "fn") throw valueError(this.input, this.peek().at, "`@@` joins functions written with `:>`");
      for (const entry of part.entries) {
        // f @@ g gives f's value where both are defined.
        if (!entries.some((e) => tlaValueEquals(e.key, entry.key))) entries.push(entry);
      }
    }
    return { kind: "fn", entries };
  }

  private mapping(): TlaValue {
    const key = this.atom();
    if (!this.accept(":>")) return key;
    return { kind: "fn", entries: [{ key, value: this.atom() }] };
  }

  private atom(): TlaValue {
    const token = this.next();
    switch (token.kind) {
      case "int":
        return this.intOrInterval(token);
      case "string":
        return { kind: "string", value: token.text };
      case "ident":
        return identValue(token.text);
      case "{":
        return { kind: "set", elements: this.list("}") };
      case "<<":
        return { kind: "seq", elements: this.list(">>") };
      case "[":
        return this.bracket(token);
      case "(": {
        const inner = this.expression();
        this.expect(")");
        return inner;
      }
      default:
        throw valueError(this.input, token.at, `expected a value but found \`${token.text}\``);
    }
  }

  private intOrInterval(token: Token): TlaValue {
    const lo = toInt(this.input, token);
    if (!this.accept("..")) return { kind: "int", value: lo };
    const hiToken = this.expect("int");
    const hi = toInt(this.input, hiToken);
    if (hi - lo + 1 > MAX_INTERVAL_ELEMENTS) {
      throw valueError(this.input, token.at, `the interval ${lo}..${hi} is too large to list`);
    }
    const elements: TlaValue[] = [];
    for (let v = lo; v <= hi; v++) elements.push({ kind: "int", value: v });
    return { kind: "set", elements };
  }

  private list(close: "}" | ">>"): TlaValue[] {
    const elements: TlaValue[] = [];
    if (this.accept(close)) return elements;
    do elements.push(this.expression());
    while (this.accept(","));
    this.expect(close);
    return elements;
  }

  /**
   * `[a |-> 1]` is a record when every key is a bare name; tla-checker also prints functions this
   * way (`[0 ↦ false, 1 ↦ true]`), which shows as keys that are not names.
   */
  private bracket(open: Token): TlaValue {
    const pairs: { key: TlaValue; keyToken: Token; value: TlaValue }[] = [];
    do {
      const keyToken = this.peek();
      const key = this.expression();
      if (this.peek().kind !== "|->") {
        throw valueError(
          this.input,
          this.peek().at,
          `expected \`|->\` in \`[...]\` but found \`${this.peek().text}\` (only records and functions written out key by key are values)`,
        );
      }
      this.next();
      pairs.push({ key, keyToken, value: this.expression() });
    } while (this.accept(","));
    this.expect("]");
    if (pairs.length === 0) throw valueError(this.input, open.at, "empty `[]`");
    const allNames = pairs.every((p) => p.keyToken.kind === "ident" && p.key.kind === "model");
    if (allNames) return { kind: "record", fields: pairs.map((p) => ({ name: p.keyToken.text, value: p.value })) };
    return { kind: "fn", entries: pairs.map((p) => ({ key: p.key, value: p.value })) };
  }
}

function toInt(input: string, token: Token): number {
  const value = Number(token.text);
  if (!Number.isSafeInteger(value)) throw valueError(input, token.at, `the integer ${token.text} is too large`);
  return value;
}

function identValue(name: string): TlaValue {
  // tla-checker prints booleans in lower case.
  if (name === "TRUE" || name === "true") return { kind: "bool", value: true };
  if (name === "FALSE" || name === "false") return { kind: "bool", value: false };
  return { kind: "model", name };
}

/** Parses one printed TLA+ value; throws an Error naming the position when the text is not one. */
export function parseTlaValue(text: string): TlaValue {
  if (text.trim() === "") throw new Error("Cannot read TLA+ value: the text is empty");
  return new ValueReader(text, tokenize(text)).readAll();
}

/** Structural equality; sets and functions compare as printed (TLC prints them in a canonical order). */
export function tlaValueEquals(a: TlaValue, b: TlaValue): boolean {
  switch (a.kind) {
    case "bool":
    case "int":
    case "string":
      return b.kind === a.kind && b.value === a.value;
    case "model":
      return b.kind === "model" && b.name === a.name;
    case "set":
    case "seq":
      return (
        b.kind === a.kind &&
        b.elements.length === a.elements.length &&
        a.elements.every((e, i) => tlaValueEquals(e, b.elements[i]))
      );
    case "record":
      return (
        b.kind === "record" &&
        b.fields.length === a.fields.length &&
        a.fields.every((f, i) => f.name === b.fields[i].name && tlaValueEquals(f.value, b.fields[i].value))
      );
    case "fn":
      return (
        b.kind === "fn" &&
        b.entries.length === a.entries.length &&
        a.entries.every((e, i) => tlaValueEquals(e.key, b.entries[i].key) && tlaValueEquals(e.value, b.entries[i].value))
      );
  }
}
