/**
 * The canonical JSON form and the integer encoding of values and states: `toJson`/`fromJson` code, the
 * `TypeOK` checks of values, and the `stateToJson`, `stateFromJson` and `encode` functions.
 */
import { CodeBlockWriter, type StatementStructures, StructureKind } from "ts-morph";
import type { Spec, Type, Variable } from "../ir.ts";
import { frameType } from "../ir-walk.ts";
import { PREC, code, wrap, identifierRe, propName, member, allOf, sortedFields, written, wrapMember, type VT, type Code, type Ctx } from "./shared.ts";
import { ExprGenerator } from "./expr.ts";

export abstract class JsonGenerator extends ExprGenerator {
  /** Code converting the representation `v` (a name or property path) of a `t` value to JSON. */
  protected toJson(t: VT, v: string, depth: number): string {
    const r = this.resolve(t);
    const x = depth === 0 ? "x" : `x${depth}`;
    switch (r.kind) {
      case "bool":
      case "int":
      case "anyInt":
      case "enum":
      case "label":
      case "null":
        return v;
      case "unknown":
        return `${v} as Json`;
      case "optional": {
        const inner = this.toJson(r.value, v, depth);
        return inner === v ? v : `${v} === null ? null : ${inner}`;
      }
      case "record":
        return `{ ${r.fields.map((f) => `${propName(f.name)}: ${this.toJson(f.type, member(v, f.name), depth)}`).join(", ")} }`;
      case "set": {
        const inner = this.toJson(r.element, x, depth + 1);
        return inner === x ? `[...${v}]` : `${v}.map((${x}) => ${inner.startsWith("{") ? `(${inner})` : inner})`;
      }
      case "map":
        return this.mapJson(r.key, r.value, v, depth);
      case "seq": {
        const inner = this.toJson(r.element, x, depth + 1);
        return inner === x ? `[...${v}]` : `${v}.map((${x}) => ${inner.startsWith("{") ? `(${inner})` : inner})`;
      }
      case "tuple":
        return `[${r.elements.map((e, i) => this.toJson(e, `${wrapMember(v)}[${i}]`, depth + 1)).join(", ")}]`;
      case "frame":
        return `frameToJson(${v})`;
    }
  }

  private mapJson(key: Type, value: Type, v: string, depth: number): string {
    this.usedRuntime.add("objectOf");
    const x = depth === 0 ? "x" : `x${depth}`;
    const keysCode = this.keysJson(key, this.fnCtx("s", null, new Map(), "toJson"));
    const inner = this.toJson(value, x, depth + 1);
    return inner === x ? `objectOf(${keysCode}, ${v})` : `objectOf(${keysCode}, ${v}, (${x}) => ${inner.startsWith("{") ? `(${inner})` : inner})`;
  }

  /** The TypeScript type a JSON value of type `t` only needs casting to (null when it needs converting). */
  private jsonCast(t: VT): string | null {
    const r = this.resolve(t);
    switch (r.kind) {
      case "bool":
        return "boolean";
      case "int":
      case "anyInt":
        return "number";
      case "enum":
      case "label":
        return this.tsType(t.kind === "named" ? t : r);
      case "null":
        return "null";
      case "optional": {
        const inner = this.jsonCast(r.value);
        return inner ? `${inner} | null` : null;
      }
      default:
        return null;
    }
  }

  /** Code converting JSON `j` to the representation of a `t` value. */
  protected fromJson(t: VT, j: string, ctx: Ctx, depth: number): string {
    const r = this.resolve(t);
    const cast = this.jsonCast(t);
    if (cast) return `${j} as ${cast}`;
    const x = `j${depth + 1}`;
    const lambda = (body: string) => `(${x}) => ${body.startsWith("{") ? `(${body})` : body}`;
    // A compound value reads its JSON more than once: name it first unless it already is a name.
    const named = (build: (name: string) => string): string => {
      if (identifierRe.test(j)) return build(j);
      this.usedRuntime.add("read");
      return `read(${j}, ${lambda(build(x))})`;
    };
    switch (r.kind) {
      case "unknown":
        return j;
      case "optional":
        return named((v) => `${v} === null ? null : ${this.fromJson(r.value, v, ctx, depth + 1)}`);
      case "record":
        this.usedRuntime.add("field");
        return named((v) => `{ ${sortedFields(r).map((f) => `${propName(f.name)}: ${this.fromJson(f.type, `field(${v}, ${JSON.stringify(f.name)})`, ctx, depth + 1)}`).join(", ")} }`);
      case "set":
        this.usedRuntime.add("setOf");
        this.usedRuntime.add("asArray");
        return `setOf(asArray(${j}).map(${lambda(this.fromJson(r.element, x, ctx, depth + 1))}))`;
      case "map":
        return this.valuesOf(j, this.keysJson(r.key, ctx), lambda(this.fromJson(r.value, x, ctx, depth + 1)));
      case "seq":
        this.usedRuntime.add("asArray");
        return `asArray(${j}).map(${lambda(this.fromJson(r.element, x, ctx, depth + 1))})`;
      case "tuple":
        this.usedRuntime.add("asArray");
        return named((v) => `[${r.elements.map((e, i) => this.fromJson(e, `asArray(${v})[${i}] as Json`, ctx, depth + 1)).join(", ")}] as const`);
      case "frame":
        return `frameFromJson(env, ${j})`;
      default:
        return j;
    }
  }

  /** Code for a map's array from its JSON object `j`. */
  private valuesOf(j: string, keys: string, convert: string): string {
    this.usedRuntime.add("valuesOf");
    return `valuesOf(${j}, ${keys}, ${convert})`;
  }

  /** Code for the keys of a map over type `key` as JSON values, in position order. */
  private keysJson(key: Type, ctx: Ctx): string {
    const keys = this.enumeration(key, ctx);
    const j = this.toJson(key, "k", 1);
    return j === "k" ? keys : `${wrapMember(keys)}.map((k) => ${j.startsWith("{") ? `(${j})` : j})`;
  }

  /** Statements writing the canonical integer encoding of `v` into `out` at `n`, advancing `n`. */
  private encode(w: CodeBlockWriter, t: VT, v: string, depth: number): void {
    const r = this.resolve(t);
    const x = depth === 0 ? "x" : `x${depth}`;
    switch (r.kind) {
      case "bool":
        w.writeLine(`out[n++] = ${v} ? 1 : 0;`);
        return;
      case "int":
      case "anyInt":
        w.writeLine(`out[n++] = ${v};`);
        return;
      case "enum":
        w.writeLine(`out[n++] = ${this.enumTable(r.values)}[${v}];`);
        return;
      case "label":
        w.writeLine(`out[n++] = labelIndex[${v}];`);
        return;
      case "null":
      case "unknown":
        this.usedRuntime.add("encodeValue");
        w.writeLine(`n = encodeValue(${v}, out, n);`);
        return;
      case "optional":
        w.write(`if (${v} === null) out[n++] = 0;`).newLine();
        w.write("else ").inlineBlock(() => {
          w.writeLine("out[n++] = 1;");
          this.encode(w, r.value, v, depth);
        });
        w.newLine();
        return;
      case "record":
        for (const f of sortedFields(r)) this.encode(w, f.type, member(v, f.name), depth);
        return;
      case "tuple":
        r.elements.forEach((e, i) => this.encode(w, e, `${wrapMember(v)}[${i}]`, depth));
        return;
      case "frame":
        w.writeLine(`n = encodeFrame(${v}, out, n);`);
        return;
      case "set":
      case "seq":
      case "map": {
        if (r.kind !== "map") w.writeLine(`out[n++] = ${v}.length;`);
        const element = r.kind === "map" ? r.value : r.element;
        const inner = this.resolve(element);
        // Flat arrays of scalars go through small index-loop helpers: this is the explorer's hot path.
        if (inner.kind === "bool" || inner.kind === "int" || inner.kind === "anyInt") {
          const helper = inner.kind === "bool" ? "bits" : "ints";
          this.usedRuntime.add(helper);
          w.writeLine(`n = ${helper}(${v}, out, n);`);
          return;
        }
        if (inner.kind === "enum") {
          this.usedRuntime.add("tags");
          w.writeLine(`n = tags(${v}, ${this.enumTable(inner.values)}, out, n);`);
          return;
        }
        w.write(`for (const ${x} of ${v}) `).inlineBlock(() => this.encode(w, element, x, depth + 1));
        w.newLine();
        return;
      }
    }
  }

  /** A membership test of `v` in type `t` for what the TypeScript types cannot guarantee (int bounds). */
  protected typeCheck(t: VT, v: string, ctx: Ctx, depth: number): Code | null {
    const r = this.resolve(t);
    const x = depth === 0 ? "x" : `x${depth}`;
    switch (r.kind) {
      case "int": {
        const b = this.boundsCtx(ctx);
        return code(`${v} >= ${wrap(this.expr(r.lo, b), PREC.rel + 1)} && ${v} <= ${wrap(this.expr(r.hi, b), PREC.rel + 1)}`, PREC.and);
      }
      case "optional": {
        const inner = this.typeCheck(r.value, v, ctx, depth);
        return inner ? code(`${v} === null || ${inner.prec <= PREC.and ? `(${inner.code})` : inner.code}`, PREC.or) : null;
      }
      case "record": {
        const parts = r.fields.map((f) => this.typeCheck(f.type, member(v, f.name), ctx, depth)).filter((p): p is Code => p !== null);
        return parts.length ? allOf(parts) : null;
      }
      case "set":
      case "map": {
        const inner = this.typeCheck(r.kind === "set" ? r.element : r.value, x, ctx, depth + 1);
        return inner ? code(`${v}.every((${x}) => ${inner.code})`, PREC.member) : null;
      }
      case "seq": {
        // The length bound is what the TypeScript type cannot hold.
        const b = this.boundsCtx(ctx);
        const length = code(`${v}.length <= ${wrap(this.expr(r.maxLen, b), PREC.rel + 1)}`, PREC.rel);
        const inner = this.typeCheck(r.element, x, ctx, depth + 1);
        return inner ? allOf([length, code(`${v}.every((${x}) => ${inner.code})`, PREC.member)]) : length;
      }
      case "tuple": {
        const parts = r.elements.map((e, i) => this.typeCheck(e, `${wrapMember(v)}[${i}]`, ctx, depth)).filter((p): p is Code => p !== null);
        return parts.length ? allOf(parts) : null;
      }
      default:
        return null;
    }
  }

  /**
   * A stack frame's JSON form, its inverse, and its encoding: a frame holds `procedure`, `pc` and that
   * procedure's parameters and locals.
   */
  protected frameFunctions(): StatementStructures[] {
    const ctx = this.fnCtx(null, null, new Map(), "frame");
    const cases = (each: (p: Spec["procedures"][number], fields: Variable[]) => string, fallback: string) =>
      [...this.spec.procedures.map((p) => `if (f.procedure === ${JSON.stringify(p.name)}) ${each(p, [...p.locals, ...p.params])}`), fallback].join("\n");
    this.usedRuntime.add("field");
    return [
      {
        kind: StructureKind.Function,
        name: "frameToJson",
        docs: ["A stack frame as JSON: the procedure, the label to return to, the saved parameters and locals."],
        parameters: [{ name: "f", type: "Frame" }],
        returnType: "Json",
        statements: cases(
          (_, fields) => `return { procedure: f.procedure, pc: f.pc${fields.map((v) => `, ${propName(v.name)}: ${this.toJson(v.type, member("f", v.name), 1)}`).join("")} };`,
          'throw new Error("a stack frame of an unknown procedure");',
        ),
      },
      {
        kind: StructureKind.Function,
        name: "frameFromJson",
        docs: ["A stack frame from its JSON form."],
        parameters: [
          { name: "env", type: "Env" },
          { name: "j", type: "Json" },
        ],
        returnType: "Frame",
        statements: [
          "const f = { procedure: field(j, \"procedure\") as string };",
          cases(
            (p, fields) =>
              `return { procedure: ${JSON.stringify(p.name)}, pc: field(j, "pc") as Label${fields.map((v) => `, ${propName(v.name)}: ${this.fromJson(v.type, `field(j, ${JSON.stringify(v.name)})`, ctx, 1)}`).join("")} };`,
            'throw new Error(`a stack frame of an unknown procedure ${JSON.stringify(f.procedure)}`);',
          ),
        ].join("\n"),
      },
      {
        kind: StructureKind.Function,
        name: "encodeFrame",
        docs: ["Encodes a stack frame at `n` (the procedure's position, the label's, the saved values); returns the new end."],
        parameters: [
          { name: "f", type: "Frame" },
          { name: "out", type: "number[]" },
          { name: "n", type: "number" },
        ],
        returnType: "number",
        statements: written((w) => {
          w.writeLine("out[n++] = labelIndex[f.pc];");
          this.spec.procedures.forEach((p, i) => {
            w.write(`if (f.procedure === ${JSON.stringify(p.name)}) `).inlineBlock(() => {
              w.writeLine(`out[n++] = ${i};`);
              for (const v of [...p.locals, ...p.params]) this.encode(w, v.type, member("f", v.name), 1);
            });
            w.newLine();
          });
          w.writeLine("return n;");
        }),
      },
    ];
  }

  protected stateToJsonFunction(): StatementStructures {
    const entries: string[] = [];
    for (const v of this.spec.variables) entries.push(`${propName(v.name)}: ${this.toJson(v.type, member("s", v.name), 0)},`);
    const ctx = this.fnCtx("s", null, new Map(), "toJson");
    for (const p of this.spec.processes)
      for (const l of p.locals) entries.push(`${propName(l.name)}: ${this.mapJson({ kind: "named", name: p.over }, l.type, member("s", l.name), 0)},`);
    this.usedRuntime.add("objectOf");
    // A procedure's variables and the stacks are every process's, by pc slot: objects by process identity, as pc.
    const stackType: Type = { kind: "seq", element: frameType(this.spec), maxLen: { kind: "int", value: 0 } };
    for (const v of this.procVars) entries.push(`${propName(v.name)}: ${this.bySlotJson(v.type, member("s", v.name), ctx)},`);
    if (this.spec.procedures.length > 0) entries.push(`stack: ${this.bySlotJson(stackType, "s.stack", ctx)},`);
    // A spec without processes has no pc (nor has its TLA+ module).
    if (this.spec.processes.length > 0) entries.push(`pc: objectOf(${this.processKeysJson(ctx)}, s.pc),`);
    return {
      kind: StructureKind.Function,
      name: "stateToJson",
      isExported: true,
      docs: ["The canonical JSON form of a state: maps as objects keyed by the key's text, sets as sorted arrays, none as null, locals and pc by process identity."],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "{ [key: string]: Json }",
      statements: written((w) => {
        w.write("return {").indent(() => {
          for (const e of entries) w.writeLine(e);
        });
        w.write("};");
      }),
    };
  }

  /** Code for a value of every process (an array by pc slot) as an object keyed by process identity. */
  private bySlotJson(t: Type, v: string, ctx: Ctx): string {
    const x = "x";
    const inner = this.toJson(t, x, 1);
    return inner === x ? `objectOf(${this.processKeysJson(ctx)}, ${v})` : `objectOf(${this.processKeysJson(ctx)}, ${v}, (${x}) => ${inner.startsWith("{") ? `(${inner})` : inner})`;
  }

  protected stateFromJsonFunction(): StatementStructures {
    const ctx = this.fnCtx(null, null, new Map(), "fromJson");
    const entries: string[] = [];
    this.usedRuntime.add("field");
    for (const v of this.spec.variables) entries.push(`${propName(v.name)}: ${this.fromJson(v.type, `field(json, ${JSON.stringify(v.name)})`, ctx, 0)},`);
    for (const p of this.spec.processes)
      for (const l of p.locals) {
        const body = this.fromJson(l.type, "j1", ctx, 1);
        const convert = `(j1) => ${body.startsWith("{") ? `(${body})` : body}`;
        entries.push(`${propName(l.name)}: ${this.valuesOf(`field(json, ${JSON.stringify(l.name)})`, this.keysJson({ kind: "named", name: p.over }, ctx), convert)},`);
      }
    const stackType: Type = { kind: "seq", element: frameType(this.spec), maxLen: { kind: "int", value: 0 } };
    const bySlot = (t: Type, name: string) => {
      const body = this.fromJson(t, "j1", ctx, 1);
      return this.valuesOf(`field(json, ${JSON.stringify(name)})`, this.processKeysJson(ctx), `(j1) => ${body.startsWith("{") ? `(${body})` : body}`);
    };
    for (const v of this.procVars) entries.push(`${propName(v.name)}: ${bySlot(v.type, v.name)},`);
    if (this.spec.procedures.length > 0) entries.push(`stack: ${bySlot(stackType, "stack")},`);
    entries.push(this.spec.processes.length > 0 ? `pc: ${this.valuesOf('field(json, "pc")', this.processKeysJson(ctx), "(j1) => j1 as Label")},` : "pc: [],");
    return {
      kind: StructureKind.Function,
      name: "stateFromJson",
      isExported: true,
      docs: ["A state from its canonical JSON form (the inverse of `stateToJson`)."],
      parameters: [
        { name: "env", type: "Env" },
        { name: "json", type: "{ [key: string]: Json }" },
      ],
      returnType: "State",
      statements: written((w) => {
        w.write("return draft({").indent(() => {
          for (const e of entries) w.writeLine(e);
        });
        w.write("});");
      }),
    };
  }

  /** Code for every process identity as JSON, in pc order. */
  private processKeysJson(ctx: Ctx): string {
    const only = this.spec.processes[0];
    if (!only) return "[]";
    if (!this.multiProcess) return this.keysJson({ kind: "named", name: only.over }, ctx);
    const scalar = this.spec.processes.every((p) => this.toJson({ kind: "named", name: p.over }, "k", 1) === "k");
    if (scalar) return "env.processes";
    return `[${this.spec.processes.map((p) => `...${this.keysJson({ kind: "named", name: p.over }, ctx)}`).join(", ")}]`;
  }

  protected encodeFunction(): StatementStructures {
    return {
      kind: StructureKind.Function,
      name: "encode",
      isExported: true,
      docs: [
        "Writes a canonical integer encoding of `s` into `out` from index 0 and returns its length: within one configuration, two states are equal exactly when their encodings are. The explorer hashes it into a fingerprint (reusing `out`, so what lies past the length is stale).",
      ],
      parameters: [
        { name: "s", type: "State" },
        { name: "out", type: "number[]" },
      ],
      returnType: "number",
      statements: written((w) => {
        w.writeLine("let n = 0;");
        for (const v of this.spec.variables) this.encode(w, v.type, member("s", v.name), 0);
        for (const p of this.spec.processes) for (const l of p.locals) this.encode(w, { kind: "map", key: { kind: "named", name: p.over }, value: l.type }, member("s", l.name), 0);
        // By pc slot (the key type is only read for its values' type).
        const slots = (value: Type): Type => ({ kind: "map", key: { kind: "bool" }, value });
        for (const v of this.procVars) this.encode(w, slots(v.type), member("s", v.name), 0);
        if (this.spec.procedures.length > 0) this.encode(w, slots({ kind: "seq", element: frameType(this.spec), maxLen: { kind: "int", value: 0 } }), "s.stack", 0);
        this.usedRuntime.add("tags");
        w.writeLine("n = tags(s.pc, labelIndex, out, n);");
        w.writeLine("return n;");
      }),
    };
  }
}
