/**
 * The value helpers embedded in every generated reference (put, equals, compare, setOf, …): their
 * source text, and the selection of those a reference uses.
 */
/** The source of the value helpers the generated code uses (and those they need), in emission order. */
export function runtimeStatements(used: Iterable<string>): string[] {
  const needed = new Set<string>();
  const add = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const dep of RUNTIME[name]?.deps ?? []) add(dep);
  };
  for (const name of used) if (RUNTIME[name]) add(name);
  return Object.keys(RUNTIME)
    .filter((name) => needed.has(name))
    .map((name) => RUNTIME[name]?.text ?? "");
}

// ---------------------------------------------------------------------------------------------
// The value helpers emitted into a reference (only those it uses), in this order.

const RUNTIME: Record<string, { deps?: string[]; text: string }> = {
  put: {
    text: `/** The array \`a\` with position \`i\` set to \`v\`: a copy, or \`a\` itself when nothing changes. */
function put<T>(a: readonly T[], i: number, v: T): readonly T[] {
  if (a[i] === v) return a;
  const b = a.slice();
  b[i] = v;
  return b;
}`,
  },
  equals: {
    text: `/** Structural equality (records, maps and sets included), as TLA+'s \`=\`. */
function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) if (!equals(ra[k], rb[k])) return false;
  return true;
}`,
  },
  rank: {
    text: `/** The kind of a value, for ordering values of different kinds. */
function rank(v: unknown): number {
  if (v === null) return 0;
  switch (typeof v) {
    case "boolean":
      return 1;
    case "number":
      return 2;
    case "string":
      return 3;
    default:
      return Array.isArray(v) ? 4 : 5;
  }
}`,
  },
  compare: {
    deps: ["rank"],
    text: `/** The canonical order of values (numbers ascending, strings by code unit, arrays lexicographically): sets are sorted by it. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ka = rank(a);
  const kb = rank(b);
  if (ka !== kb) return ka - kb;
  if (typeof a === "number") return a - (b as number);
  if (typeof a === "string") return a < (b as string) ? -1 : 1;
  if (typeof a === "boolean") return a ? 1 : -1;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    for (let i = 0; i < a.length && i < bb.length; i++) {
      const c = compare(a[i], bb[i]);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of Object.keys(ra)) {
    const c = compare(ra[k], rb[k]);
    if (c !== 0) return c;
  }
  return 0;
}`,
  },
  setOf: {
    deps: ["compare"],
    text: `/** The set of the given elements: sorted, without duplicates. */
function setOf<T>(xs: readonly T[]): readonly T[] {
  const sorted = [...xs].sort(compare);
  return sorted.filter((x, i) => i === 0 || compare(sorted[i - 1], x) !== 0);
}`,
  },
  indexIn: {
    deps: ["compare"],
    text: `/** The position of \`x\` in the sorted array \`xs\`, or -1. */
function indexIn<T>(xs: readonly T[], x: T): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(xs[mid], x);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}`,
  },
  has: {
    deps: ["indexIn"],
    text: `/** \`x \\in set\`. */
function has<T>(set: readonly T[], x: T): boolean {
  return typeof x === "object" && x !== null ? indexIn(set, x) >= 0 : set.includes(x);
}`,
  },
  union: {
    deps: ["compare"],
    text: `/** \`a \\cup b\`. */
function union<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : compare(a[i], b[j]);
    if (c <= 0) out.push(a[i++]);
    else out.push(b[j++]);
    if (c === 0) j++;
  }
  return out;
}`,
  },
  minus: {
    deps: ["indexIn"],
    text: `/** \`a \\ b\`. */
function minus<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  return a.filter((x) => indexIn(b, x) < 0);
}`,
  },
  intersect: {
    deps: ["indexIn"],
    text: `/** \`a \\cap b\`. */
function intersect<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  return a.filter((x) => indexIn(b, x) >= 0);
}`,
  },
  count: {
    text: `/** \`Cardinality({x \\in set : pred(x)})\`. */
function count<T>(set: readonly T[], pred: (x: T) => boolean): number {
  let n = 0;
  for (const x of set) if (pred(x)) n++;
  return n;
}`,
  },
  EvaluationError: {
    text: `/**
 * Thrown where TLC stops with an error: the spec read or wrote a map outside its keys, read the pc of
 * something that is not a process, or computed an integer beyond TLC's 32-bit range. \`at\` is the
 * spec's file:line:column, \`contexts\` what was being evaluated there (innermost first).
 */
export class EvaluationError extends Error {
  readonly contexts: string[] = [];

  constructor(
    readonly at: string,
    readonly problem: string,
    readonly value: unknown,
  ) {
    super(\`\${at}: error: \${problem}\`);
    this.name = "EvaluationError";
  }
}`,
  },
  within: {
    deps: ["EvaluationError"],
    text: `/** Adds what was being evaluated to an EvaluationError passing through; other errors pass unchanged. */
function within(e: unknown, context: string): unknown {
  if (e instanceof EvaluationError) {
    e.contexts.push(context);
    e.message = \`\${e.at}: error: \${e.problem}, in \${e.contexts.join(", called from ")}\`;
  }
  return e;
}`,
  },
  showValue: {
    text: `/** A value as a message shows it. */
function showValue(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}`,
  },
  some: {
    deps: ["EvaluationError"],
    text: `/** \`v\` where a value is needed (a number, a key, a record's field): TLC stops on its NoValue. */
function some<T>(v: T | null, at: string, text: string): T {
  if (v === null) throw new EvaluationError(at, \`\${text} is none (NoValue) where a value is needed\`, v);
  return v;
}`,
  },
  getInt: {
    deps: ["EvaluationError"],
    text: `/** \`m[k]\` for a map over the integers lo..: TLC stops when k is not one of its keys. */
function getInt<T>(m: readonly T[], k: number, lo: number, at: string, text: string): T {
  const v = m[k - lo];
  if (v === undefined) throw new EvaluationError(at, \`\${text}[\${k}] is read, but \${k} is not one of its keys (\${lo}..\${lo + m.length - 1})\`, k);
  return v;
}`,
  },
  getAt: {
    deps: ["EvaluationError", "showValue"],
    text: `/** \`m[k]\` where \`i\` is k's position among the map's keys (-1: none): TLC stops when k is not a key. */
function getAt<T>(m: readonly T[], i: number, k: unknown, at: string, text: string): T {
  const v = m[i];
  if (v === undefined) throw new EvaluationError(at, \`\${text}[\${showValue(k)}] is read, but \${showValue(k)} is not one of its keys\`, k);
  return v;
}`,
  },
  putInt: {
    deps: ["put", "EvaluationError"],
    text: `/** \`[m EXCEPT ![k] = v]\` for a map over the integers lo..; k must be one of its keys (TLC only warns and leaves m unchanged, every other engine stops). */
function putInt<T>(m: readonly T[], k: number, lo: number, v: T, at: string, text: string): readonly T[] {
  const i = k - lo;
  if (!(i >= 0 && i < m.length && (i | 0) === i)) throw new EvaluationError(at, \`\${text}[\${k}] is assigned, but \${k} is not one of its keys (\${lo}..\${lo + m.length - 1})\`, k);
  return put(m, i, v);
}`,
  },
  putAt: {
    deps: ["put", "EvaluationError", "showValue"],
    text: `/** \`[m EXCEPT ![k] = v]\` where \`i\` is k's position among the map's keys (-1: none). */
function putAt<T>(m: readonly T[], i: number, k: unknown, v: T, at: string, text: string): readonly T[] {
  if (!(i >= 0 && i < m.length)) throw new EvaluationError(at, \`\${text}[\${showValue(k)}] is assigned, but \${showValue(k)} is not one of its keys\`, k);
  return put(m, i, v);
}`,
  },
  add: {
    deps: ["int32"],
    text: `/** \`a + b\`, which must stay a 32-bit integer (TLC: "Overflow when computing"). */
function add(a: number, b: number, at: string): number {
  return int32(a + b, at, \`\${a} + \${b}\`);
}`,
  },
  sub: {
    deps: ["int32"],
    text: `/** \`a - b\`, which must stay a 32-bit integer. */
function sub(a: number, b: number, at: string): number {
  return int32(a - b, at, \`\${a} - \${b}\`);
}`,
  },
  mul: {
    deps: ["int32"],
    text: `/** \`a * b\`, which must stay a 32-bit integer. */
function mul(a: number, b: number, at: string): number {
  return int32(a * b, at, \`\${a} * \${b}\`);
}`,
  },
  neg: {
    deps: ["int32"],
    text: `/** \`-a\`, which must stay a 32-bit integer. */
function neg(a: number, at: string): number {
  return int32(-a, at, \`-(\${a})\`);
}`,
  },
  int32: {
    deps: ["EvaluationError"],
    text: `/** \`r\` (the value of \`what\`) if it is a 32-bit integer, as every TLC integer is. */
function int32(r: number, at: string, what: string): number {
  if ((r | 0) !== r) throw new EvaluationError(at, \`\${what} overflows TLC's 32-bit integers (-2147483648..2147483647)\`, r);
  return r;
}`,
  },
  mod: {
    deps: ["EvaluationError"],
    text: `/** TLA+'s \`a % b\` (for b > 0 the result is in 0..b-1, also for negative a, unlike JavaScript's). */
function mod(a: number, b: number, at: string): number {
  if (b <= 0) throw new EvaluationError(at, \`\${a} % \${b}: TLA+ defines % for a positive divisor only\`, b);
  const r = a % b;
  return r < 0 ? r + b : r;
}`,
  },
  div: {
    deps: ["EvaluationError"],
    text: `/** TLA+'s \`a \\div b\` (rounds down). */
function div(a: number, b: number, at: string): number {
  if (b <= 0) throw new EvaluationError(at, \`\${a} \\\\div \${b}: TLA+ defines \\\\div for a positive divisor only\`, b);
  return Math.floor(a / b);
}`,
  },
  intRange: {
    text: `/** The integers lo..hi. */
function intRange(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}`,
  },
  product: {
    text: `/** Every record with one value from each field's list (sorted, fields in alphabetical order). */
function product<F extends Record<string, readonly unknown[]>>(fields: F): { [K in keyof F]: F[K][number] }[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(fields)) out = out.flatMap((r) => values.map((v) => ({ ...r, [name]: v })));
  return out as { [K in keyof F]: F[K][number] }[];
}`,
  },
  subsets: {
    deps: ["compare"],
    text: `/** Every subset of the sorted \`xs\`, sorted. */
function subsets<T>(xs: readonly T[]): (readonly T[])[] {
  const out: T[][] = [];
  for (let mask = 0; mask < 2 ** xs.length; mask++) out.push(xs.filter((_, i) => (mask / 2 ** i) % 2 >= 1));
  return out.sort(compare);
}`,
  },
  functions: {
    text: `/** Every array of length n over \`values\`, in lexicographic order. */
function functions<T>(n: number, values: readonly T[]): (readonly T[])[] {
  let out: T[][] = [[]];
  for (let i = 0; i < n; i++) out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  return out;
}`,
  },
  sequences: {
    deps: ["functions", "compare"],
    text: `/** Every sequence of at most \`maxLen\` elements of \`values\`, sorted. */
function sequences<T>(values: readonly T[], maxLen: number): (readonly T[])[] {
  const out: (readonly T[])[] = [];
  for (let n = 0; n <= maxLen; n++) out.push(...functions(n, values));
  return out.sort(compare);
}`,
  },
  tuples: {
    text: `/** Every tuple with one value from each list, in lexicographic order. */
function tuples<T extends readonly unknown[]>(...lists: { [K in keyof T]: readonly T[K][] }): T[] {
  let out: unknown[][] = [[]];
  for (const list of lists as readonly (readonly unknown[])[]) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out as unknown as T[];
}`,
  },
  seqAt: {
    deps: ["EvaluationError"],
    text: `/** \`s[i + 1]\` in TLA+: the element at 0-based position \`i\`, which must exist (TLC stops otherwise). */
function seqAt<T>(s: readonly T[], i: number, at: string, text: string): T {
  if (!Number.isInteger(i) || i < 0 || i >= s.length) throw new EvaluationError(at, \`\${text}: position \${i} of a sequence of length \${s.length} is read, but there is no such element\`, i);
  return s[i] as T;
}`,
  },
  seqPut: {
    deps: ["EvaluationError"],
    text: `/** The sequence \`s\` with the element at 0-based position \`i\` (which must exist) replaced by \`v\`. */
function seqPut<T>(s: readonly T[], i: number, v: T, at: string, text: string): readonly T[] {
  if (!Number.isInteger(i) || i < 0 || i >= s.length) throw new EvaluationError(at, \`\${text}: position \${i} of a sequence of length \${s.length} is assigned, but there is no such element\`, i);
  if (s[i] === v) return s;
  const b = s.slice();
  b[i] = v;
  return b;
}`,
  },
  seqHead: {
    deps: ["EvaluationError"],
    text: `/** TLA+'s \`Head(s)\` (TLC stops on the empty sequence). */
function seqHead<T>(s: readonly T[], at: string, text: string): T {
  if (s.length === 0) throw new EvaluationError(at, \`Head of \${text}, which is the empty sequence\`, s);
  return s[0] as T;
}`,
  },
  seqTail: {
    deps: ["EvaluationError"],
    text: `/** TLA+'s \`Tail(s)\` (TLC stops on the empty sequence). */
function seqTail<T>(s: readonly T[], at: string, text: string): readonly T[] {
  if (s.length === 0) throw new EvaluationError(at, \`Tail of \${text}, which is the empty sequence\`, s);
  return s.slice(1);
}`,
  },
  seqSlice: {
    deps: ["EvaluationError"],
    text: `/** TLA+'s \`SubSeq(s, from + 1, to)\`: the elements at 0-based positions from..to-1, which must exist. */
function seqSlice<T>(s: readonly T[], from: number, to: number, at: string, text: string): readonly T[] {
  if (from < 0 || to > s.length || from > to) throw new EvaluationError(at, \`SubSeq of \${text} from position \${from} to \${to}, of a sequence of length \${s.length}\`, from);
  return s.slice(from, to);
}`,
  },
  keyText: {
    text: `/** The text of a map key in JSON: the value itself for a scalar, its JSON otherwise. */
function keyText(key: Json): string {
  return typeof key === "object" && key !== null ? JSON.stringify(key) : String(key);
}`,
  },
  objectOf: {
    deps: ["keyText"],
    text: `/** A map (an array by key position) as a JSON object keyed by the keys' text. */
function objectOf<T>(keys: readonly Json[], values: readonly T[], toJson: (v: T) => Json = (v) => v as Json): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  keys.forEach((k, i) => {
    out[keyText(k)] = toJson(values[i] as T);
  });
  return out;
}`,
  },
  read: {
    text: `/** \`f(j)\`: names a JSON value that a conversion reads more than once. */
function read<T>(j: Json, f: (j: Json) => T): T {
  return f(j);
}`,
  },
  valuesOf: {
    deps: ["field", "keyText"],
    text: `/** A map's array (by key position) from its JSON object. */
function valuesOf<T>(j: Json, keys: readonly Json[], f: (v: Json) => T): T[] {
  return keys.map((k) => f(field(j, keyText(k))));
}`,
  },
  asArray: {
    text: `function asArray(j: Json): Json[] {
  if (!Array.isArray(j)) throw new Error(\`expected a JSON array, found \${JSON.stringify(j)}\`);
  return j;
}`,
  },
  asObject: {
    text: `function asObject(j: Json): { [key: string]: Json } {
  if (typeof j !== "object" || j === null || Array.isArray(j)) throw new Error(\`expected a JSON object, found \${JSON.stringify(j)}\`);
  return j;
}`,
  },
  field: {
    deps: ["asObject"],
    text: `/** A field of a JSON object, which must be there. */
function field(j: Json, name: string): Json {
  const value = asObject(j)[name];
  if (value === undefined) throw new Error(\`missing \${JSON.stringify(name)} in \${JSON.stringify(j)}\`);
  return value;
}`,
  },
  constant: {
    text: `/** A constant's value from a configuration, which must bind it. */
function constant(constants: Record<string, Json>, name: string): Json {
  const value = constants[name];
  if (value === undefined) throw new Error(\`the constant \${name} is not bound\`);
  return value;
}`,
  },
  bits: {
    text: `/** Encodes booleans as 0/1 at \`n\`; returns the new end. */
function bits(a: readonly boolean[], out: number[], n: number): number {
  for (let i = 0; i < a.length; i++) out[n++] = a[i] ? 1 : 0;
  return n;
}`,
  },
  ints: {
    text: `/** Encodes integers as themselves at \`n\`; returns the new end. */
function ints(a: readonly number[], out: number[], n: number): number {
  for (let i = 0; i < a.length; i++) out[n++] = a[i] as number;
  return n;
}`,
  },
  tags: {
    text: `/** Encodes tags (or labels) by their position in \`index\` at \`n\`; returns the new end. */
function tags<T extends string>(a: readonly T[], index: Readonly<Record<T, number>>, out: number[], n: number): number {
  for (let i = 0; i < a.length; i++) out[n++] = index[a[i] as T];
  return n;
}`,
  },
  encodeValue: {
    text: `/** Encodes a value whose type is not known statically (its JSON text, length first) at \`n\`; returns the new end. */
function encodeValue(v: unknown, out: number[], n: number): number {
  const text = JSON.stringify(v) ?? "";
  out[n++] = text.length;
  for (let i = 0; i < text.length; i++) out[n++] = text.charCodeAt(i);
  return n;
}`,
  },
};

