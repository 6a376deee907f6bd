/**
 * The compiled form of one (spec, variant, configuration): JavaScript source for the successors,
 * initial state, invariants and (de)packing of states over the packed layout, plus the tables an
 * engine needs to turn what the code reports (emission sites, crash sites) back into step names,
 * process identities, params and messages.
 *
 * The source is the body of a function `(emit) => module`, so the main thread and worker threads
 * instantiate the same text with `new Function`, each with its own `emit`. Nothing here runs the
 * code; engines/native/packed-model.ts does.
 */
import type { Expr, Spec, Step, Value } from "../ir.ts";
import { applyVariant } from "../tla/module.ts";
import { inlineMacros, languageConstructs } from "../ir-walk.ts";
import { type Ctx } from "./expr.ts";
import { type Layout, NONE, buildLayout } from "./layout.ts";
import { StepCompiler, Lines, type EmitSite, type StepInfo } from "./steps.ts";
import { symmetryCode, type SymmetryInfo } from "./symmetry.ts";
import { type CType, PackedUnsupported, concreteContext, stringTable } from "./types.ts";
import { BOOL, constSc, numCode, type V } from "./values.ts";
import type { CrashSite } from "./expr.ts";

export interface PackedProgram {
  /** The body of `function (emit) { … }`; it returns the module (see `PackedModule`). */
  source: string;
  layout: Layout;
  steps: StepInfo[];
  emits: EmitSite[];
  sites: CrashSite[];
  /** Compiled in coverage mode (see CompileOptions.coverage). */
  coverage: boolean;
  /** The spec's invariants in declaration order (TypeOK is the layout's own: see `inRange`). */
  invariants: { name: string }[];
  /** How many state predicates of properties were compiled (the module's `predicates`), as asked in `CompileOptions`. */
  predicates: number;
  symmetry: SymmetryInfo | null;
}

export { PackedUnsupported };

export interface CompileOptions {
  /** Apply the spec's symmetric domains (default true). */
  symmetry?: boolean;
  /** State predicates to compile (the properties' instances: each expression with the values its names are bound to). */
  predicates?: readonly CompiledPredicate[];
  /**
   * Coverage mode: the code also records, in `BR`, which arm each `if` took where both arms go on to
   * the same code, so an engine can tell every transition's branches (EmitSite.path). Off, the code
   * is exactly the one without coverage.
   */
  coverage?: boolean;
}

/** A property's state predicate with the values of the names bound around it. */
export interface CompiledPredicate {
  property: string;
  expr: Expr;
  bound: readonly { name: string; value: Value | null }[];
}

export function compilePacked(spec0: Spec, variant: string | null, constants: Readonly<Record<string, Value>>, options: CompileOptions = {}): PackedProgram {
  const base = macrosInlined(spec0);
  // The compiled form covers processes of labelled steps; the readable explorer runs the rest of the language.
  const beyond = languageConstructs(base);
  if (beyond.length > 0) throw new PackedUnsupported(base.source, `the compiled form does not cover ${beyond.join(", ")}`);
  const spec = applyVariant(base, variant);
  const cx = concreteContext(spec, constants);
  const strings = stringTable(base, spec.processes);
  const layout = buildLayout(spec, cx, strings);
  return new ModuleCompiler(spec, cx, layout).compile(options);
}

/**
 * The spec with every macro call in a process's steps replaced by the macro's body, which the IR
 * carries with the arguments in place: a macro is text run where it is called, so the steps it is
 * written out in are what the compiled form compiles (branch points keep the macro's positions).
 */
function macrosInlined(spec: Spec): Spec {
  if (spec.macros.length === 0) return spec;
  const steps = (list: Step[]): Step[] => list.map((st) => ({ ...st, body: inlineMacros(st.body) }));
  return {
    ...spec,
    macros: [],
    processes: spec.processes.map((p) => ({ ...p, steps: steps(p.steps) })),
    variants: spec.variants.map((v) => ({ ...v, processes: v.processes.map((vp) => ({ ...vp, steps: steps(vp.steps) })) })),
  };
}

class ModuleCompiler extends StepCompiler {
  compile(options: CompileOptions): PackedProgram {
    this.coverage = options.coverage === true;
    const successors = this.successorsCode();
    const init = this.initCode();
    const invariants = this.spec.invariants.map((inv, k) => {
      const ctx: Ctx = { arr: "W", process: null, self: null, bound: new Map(), where: { loc: inv.loc, context: `invariant ${inv.name}` } };
      const c = this.cond(inv.body, ctx);
      return `function inv${k}(W) {\n  CS = ${-2 - k};\n  return ${c.code};\n}`;
    });
    const predicates = (options.predicates ?? []).map((p, k) => this.predicateCode(p, k));
    const symmetry = options.symmetry === false ? null : symmetryCode(this.spec, this.cx, this.layout);
    // (De)packing registers the tables it reads: generate it before the declarations are taken.
    const pack = this.packCode();
    const unpack = this.unpackCode();
    const inRange = this.inRangeCode();
    const packFrom = this.packFromCode();
    const width = this.layout.width;
    const source = [
      '"use strict";',
      `const NONE = ${NONE};`,
      `const WIDTH = ${width};`,
      `const WORDS = ${this.layout.words};`,
      "let CS = 0;",
      "let CSELF = 0;",
      `const P = new Int32Array(${Math.max(1, this.maxParams)});`,
      "// The write log: slot, old value, … (u entries used).",
      `const U = new Int32Array(${2 * (this.maxLog + 4)});`,
      "let u = 0;",
      RUNTIME,
      ...this.decls,
      `const BR = new Int8Array(${Math.max(1, this.branchSlots)});`,
      successors,
      init,
      ...invariants,
      ...predicates,
      pack,
      packFrom,
      unpack,
      inRange,
      symmetry?.code ?? "const canonical = null;",
      this.primeCode(),
      `return { successors, init, pack, packFrom, unpack, inRange, canonical, invariants: [${invariants.map((_, k) => `inv${k}`).join(", ")}], predicates: [${predicates.map((_, k) => `pred${k}`).join(", ")}], P, BR, WIDTH, WORDS };`,
    ].join("\n\n");
    return {
      source,
      layout: this.layout,
      steps: this.steps,
      emits: this.emits,
      sites: this.sites,
      coverage: this.coverage,
      invariants: this.spec.invariants.map((i) => ({ name: i.name })),
      predicates: predicates.length,
      symmetry: symmetry?.info ?? null,
    };
  }

  /** A property's state predicate as `function pred<k>(W)`, its bound names constants. */
  private predicateCode(p: CompiledPredicate, k: number): string {
    const prop = this.spec.properties.find((x) => x.name === p.property);
    const loc = prop?.loc ?? { file: this.spec.source, line: 1, column: 1 };
    const bound = new Map(
      p.bound.map((b): [string, V] => {
        const v = b.value;
        if (typeof v === "number") return [b.name, constSc(v, { kind: "int", lo: v, hi: v })];
        if (typeof v === "boolean") return [b.name, constSc(v, BOOL)];
        if (typeof v === "string") return [b.name, constSc(this.stringId(v), { kind: "enum", values: [v] })];
        throw new PackedUnsupported(this.spec.source, `property ${p.property} binds ${b.name} to ${JSON.stringify(v)}: the compiled form binds integers, booleans and tags`);
      }),
    );
    const ctx: Ctx = { arr: "W", process: null, self: null, bound, where: { loc, context: `property ${p.property}` } };
    return `function pred${k}(W) {\n  CS = -1;\n  return ${this.cond(p.expr, ctx).code};\n}`;
  }

  /** Code of a slot's packed value, from its working-form value `v`. */
  private codeOf(t: CType, v: string): string {
    switch (t.kind) {
      case "bool":
      case "set":
        return v;
      case "int":
        return t.lo === 0 ? v : `(${v} - ${numCode(t.lo)})`;
      case "enum":
        return `${this.localTable(t.values)}[${v}]`;
      case "optional":
        return `(${v} === NONE ? 0 : ${this.codeOf(t.value, v)} + 1)`;
      default:
        throw new Error(`no packed code for ${t.kind}`);
    }
  }

  /** Code of a slot's working-form value from its packed code `c`. */
  private valueOf(t: CType, c: string): string {
    switch (t.kind) {
      case "bool":
      case "set":
        return c;
      case "int":
        return t.lo === 0 ? c : `${c} + ${numCode(t.lo)}`;
      case "enum":
        return `${this.valueTable(t.values)}[${c}]`;
      case "optional":
        return `${c} === 0 ? NONE : ${this.valueOf(t.value, `${c} - 1`)}`;
      default:
        throw new Error(`no packed code for ${t.kind}`);
    }
  }

  private valueTables = new Map<string, string>();

  private valueTable(values: readonly string[]): string {
    const key = values.join("\u0000");
    let name = this.valueTables.get(key);
    if (!name) {
      name = `VAL${this.valueTables.size}`;
      this.decls.push(`const ${name} = new Int32Array([${values.map((v) => this.stringId(v)).join(", ")}]);`);
      this.valueTables.set(key, name);
    }
    return name;
  }

  /** The packing expression of one word. */
  private wordCode(word: number): string {
    const parts = this.layout.slots
      .filter((s) => s.bits > 0 && s.word === word)
      .map((s) => {
        const c = this.codeOf(s.type, `D[${s.index}]`);
        return s.shift === 0 ? c : `(${c} << ${s.shift})`;
      });
    return parts.length ? parts.join(" | ") : "0";
  }

  /** `pack`: every word from the working form; false when an integer is out of its range. */
  private packCode(): string {
    const w = new Lines();
    w.block("function pack(D, out, o)", () => {
      w.line("if (D[WIDTH] !== 0 && !inRange(D)) return false;");
      for (let word = 0; word < this.layout.words; word++) w.line(`out[o${word ? ` + ${word}` : ""}] = ${this.wordCode(word)};`);
      w.line("return true;");
    });
    return w.text();
  }

  /**
   * `packFrom`: the packed form of a successor, from its source's packed words (`base` at `bo`) and the
   * write log: each slot written since the step began has its field of the source's words replaced
   * (a write costs a few operations, where packing a whole word again reads every slot in it).
   */
  private packFromCode(): string {
    const words = this.layout.words;
    if (words > 30) return "function packFrom(D, base, bo, out, o) {\n  return pack(D, out, o);\n}";
    const w = new Lines();
    const at = (word: number) => (word ? ` + ${word}` : "");
    w.block("function packFrom(D, base, bo, out, o)", () => {
      w.line("if (D[WIDTH] !== 0 && !inRange(D)) return false;");
      for (let word = 0; word < words; word++) w.line(`let w${word} = base[bo${at(word)}];`);
      w.block("for (let j = 0; j < u; j += 2)", () => {
        w.block("switch (U[j])", () => {
          for (const s of this.layout.slots) {
            if (s.bits === 0) continue;
            const c = this.codeOf(s.type, `D[${s.index}]`);
            const field = s.shift === 0 ? c : `(${c} << ${s.shift})`;
            // The field's bits cleared (a 32-bit field is the whole word), then the new code or'ed in.
            const keep = s.bits === 32 ? 0 : ~(((2 ** s.bits - 1) << s.shift) | 0);
            w.line(`case ${s.index}: w${s.word} = ${keep === 0 ? field : `(w${s.word} & ${keep}) | ${field}`}; break;`);
          }
        });
      });
      for (let word = 0; word < words; word++) w.line(`out[o${at(word)}] = w${word};`);
      w.line("return true;");
    });
    return w.text();
  }

  /**
   * Runs every case of packFrom once, with a value of each slot's type (and none for optionals),
   * when the module is made. Left to the search, a case first runs when some step first writes its
   * slot, and each such first run throws packFrom's optimized code away (md/raid5 small_free: ten
   * times in its first second, each followed by a spell in unoptimized code and a recompilation).
   */
  private primeCode(): string {
    const w = new Lines();
    // A few rounds: V8 starts collecting a function's type feedback only after its first calls.
    w.block("for (let round = 0; round < 8; round++)", () => {
      w.line("const D = new Int32Array(WIDTH + 2);");
      w.line("const out = new Int32Array(WORDS);");
      for (const pass of ["value", "none"] as const) {
        const writes: string[] = [];
        for (const s of this.layout.slots) {
          if (s.bits === 0 || (pass === "none" && s.type.kind !== "optional")) continue;
          const t = s.type.kind === "optional" ? s.type.value : s.type;
          const v = pass === "none" ? "NONE" : t.kind === "int" ? numCode(t.lo) : t.kind === "enum" ? String(this.stringId(t.values[0] as string)) : "0";
          writes.push(`D[${s.index}] = ${v}; U[u] = ${s.index}; U[u + 1] = 0; u += 2;`);
        }
        // The log U holds maxLog + 4 entries: the slots go through in runs of maxLog.
        const per = Math.max(1, this.maxLog);
        for (let i = 0; i < writes.length; i += per) {
          w.line("u = 0;");
          for (const line of writes.slice(i, i + per)) w.line(line);
          w.line("packFrom(D, out, 0, out, 0);");
        }
      }
      w.line("u = 0;");
    });
    return w.text();
  }

  private unpackCode(): string {
    const w = new Lines();
    // Decoding reads constant tables, so it is generated after packCode registered them.
    const body: string[] = [];
    for (let word = 0; word < this.layout.words; word++) body.push(`const w${word} = inp[o${word ? ` + ${word}` : ""}];`);
    for (const s of this.layout.slots) {
      if (s.bits === 0) {
        const only = this.valueOf(s.type, "0");
        body.push(`D[${s.index}] = ${only};`);
        continue;
      }
      const mask = s.bits === 32 ? "" : ` & ${2 ** s.bits - 1}`;
      const raw = s.shift === 0 && s.bits === 32 ? `(w${s.word} >>> 0)` : `((w${s.word} >>> ${s.shift})${mask})`;
      if (s.type.kind === "optional") {
        body.push(`{ const c = ${raw}; D[${s.index}] = ${this.valueOf(s.type, "c")}; }`);
      } else body.push(`D[${s.index}] = ${this.valueOf(s.type, raw)};`);
    }
    body.push("D[WIDTH] = 0;", "D[WIDTH + 1] = 0;");
    w.block("function unpack(inp, o, D)", () => {
      for (const line of body) w.line(line);
    });
    return w.text();
  }

  /** TypeOK on the working form: every integer within its declared range (tags cannot leave theirs). */
  private inRangeCode(): string {
    const checks = this.layout.slots.flatMap((s) => {
      const t = s.type.kind === "optional" ? s.type.value : s.type;
      if (t.kind !== "int") return [];
      const v = `D[${s.index}]`;
      const inside = `${v} >= ${numCode(t.lo)} && ${v} <= ${numCode(t.hi)}`;
      return [s.type.kind === "optional" ? `(${v} === NONE || (${inside}))` : `(${inside})`];
    });
    return `function inRange(D) {\n  return ${checks.length ? checks.join(" &&\n    ") : "true"};\n}`;
  }
}

/** The value helpers every compiled module has (contract 1's checks among them). */
const RUNTIME = String.raw`class PackedCrash {
  constructor(site, value, step, self) {
    this.site = site;
    this.value = value;
    this.step = step;
    this.self = self;
  }
}
function crash(site, v) {
  throw new PackedCrash(site, v, CS, CSELF);
}
/** The result of + - * or unary - where it could leave 32 bits: TLC stops on an overflow. */
function i32(v, site) {
  if (v >= -2147483648 && v <= 2147483647) return v;
  return crash(site, v);
}
/** An optional used as a number: TLC stops on arithmetic or ordering with its NoValue. */
function some(v, site) {
  if (v !== NONE) return v;
  return crash(site, v);
}
/** A map position of integer key v in lo..lo+n-1, or a crash. */
function ixi(v, lo, n, site) {
  const p = v - lo;
  if ((p >>> 0) === p && p < n) return p;
  return crash(site, v);
}
/** A map position of tag v (by the key domain's table), or a crash. */
function ixe(v, T, site) {
  const p = T[v];
  if (p >= 0) return p;
  return crash(site, v);
}
function ixb(v, site) {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  return crash(site, v);
}
/** An integer stored into a slot of range lo..hi: out of range marks the working copy (TypeOK); one that is not a 32-bit integer stops. */
function ci(A, v, lo, hi, site) {
  if (v >= lo && v <= hi) return v;
  if (!(v >= -2147483648 && v <= 2147483647 && v !== NONE && Math.floor(v) === v)) return crash(-1 - site, v);
  if (A[WIDTH] === 0) {
    wr(A, WIDTH, site + 1);
    wr(A, WIDTH + 1, v);
  }
  return v;
}
/** A logged write: the slot's old value goes to the log first. */
function wr(A, i, v) {
  U[u] = i;
  U[u + 1] = A[i];
  u += 2;
  A[i] = v;
}
/** Undoes logged writes back to log position m. */
function undo(A, m) {
  while (u > m) {
    u -= 2;
    A[U[u]] = U[u + 1];
  }
}
function cio(A, v, lo, hi, site) {
  return v === NONE ? v : ci(A, v, lo, hi, site);
}
/** A tag stored into an enum slot: one that is not among its tags stops. */
function ce(v, T, site) {
  if (T[v] >= 0) return v;
  return crash(site, v);
}
function ceo(v, T, site) {
  if (v === NONE || T[v] >= 0) return v;
  return crash(site, v);
}
function ob(v) {
  return v === NONE ? NONE : v === 1 || v === true;
}
function obw(v) {
  return v === NONE ? NONE : v ? 1 : 0;
}
function mod(a, b, site) {
  if (!(b > 0)) return crash(site, b);
  const r = a % b;
  return r < 0 ? r + b : r;
}
function div(a, b, site) {
  if (!(b > 0)) return crash(site, b);
  return Math.floor(a / b);
}
function inset(m, i, n) {
  return i >= 0 && i < n && ((m >>> i) & 1) === 1;
}
function tbl(T, v) {
  const p = T[v];
  return p === undefined ? -1 : p;
}
function bit(i, n, site, v) {
  if (i >= 0 && i < n) return 1 << i;
  return crash(site, v);
}
function pcs(v, min, T, site) {
  const s = T[v - min];
  if (s === undefined || s < 0) return crash(site, v);
  return s;
}
function sortedUnique(xs) {
  const ys = xs.map((x) => (x === true ? 1 : x === false ? 0 : x)).sort((a, b) => a - b);
  return ys.filter((x, i) => i === 0 || ys[i - 1] !== x);
}`;
