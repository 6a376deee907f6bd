/**
 * Step bodies → successor functions: one function per step writing the successors of a state along
 * every path through the body (working copies, updates, `either`/`choose` alternatives, `await`), and
 * the per-variant `successors` dispatch and `applyStep`.
 */
import { CodeBlockWriter, type StatementStructures, StructureKind } from "ts-morph";
import type { Expr, LValue, Process, Stmt, Type } from "../ir.ts";
import { assignmentRun, assigns, containsCall, hasDirectAwait, hasNondeterminism, visitStatements } from "../ir-walk.ts";
import { withFallThrough } from "../tla/translate.ts";
import { UNKNOWN, PREC, code, propName, member, docText, sortedFields, written, type VT, type Code, type Ctx, type PathState, type StepFunction } from "./shared.ts";
import { exprText } from "./bounds.ts";
import { JsonGenerator } from "./json.ts";

export abstract class StepGenerator extends JsonGenerator {
  private labelCounter = 0;

  protected stepFunction(fn: StepFunction): StatementStructures {
    const { step, process } = fn;
    const body = withFallThrough(step.body, fn.next, step.loc);
    const docs = [
      `${step.label} (process ${process.name})${step.models ? `: models ${step.models}` : ""}.`,
      ...(step.doc ? ["", step.doc] : []),
      "",
      `${step.loc.file}:${step.loc.line}:${step.loc.column}. Runs when pc[self] is ${JSON.stringify(step.label)}; pushes one transition per enabled alternative onto \`out\`.`,
    ];
    return {
      kind: StructureKind.Function,
      name: fn.name,
      docs: [docText(docs.join("\n"))],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
        { name: "self", type: this.tsType({ kind: "named", name: process.over }) },
        { name: "out", type: "Transition[]" },
      ],
      returnType: "void",
      statements: this.stepBody(fn, body),
    };
  }

  /** The statements of a step function, guarded when something in the step can fail a check. */
  private stepBody(fn: StepFunction, body: Stmt[]): string {
    const before = this.checks;
    const text = written((w) => {
      this.labelCounter = 0;
      const path: PathState = { draft: "s", copied: false, exit: "return", params: [], bound: new Map(), depth: 0 };
      this.block(w, body, path, fn);
    });
    let calls = false;
    visitStatements(body, { expr: (e) => (calls ||= this.callsChecked(e)) });
    if (this.checks === before && !calls) return text;
    this.usedRuntime.add("showValue");
    return this.guarded(text, `\`step ${fn.step.label} of process ${fn.process.name} \${showValue(self)}\``);
  }

  private block(w: CodeBlockWriter, stmts: Stmt[], path: PathState, fn: StepFunction): void {
    for (let i = 0; i < stmts.length; i++) {
      const st = stmts[i];
      if (!st) continue;
      const rest = stmts.slice(i + 1);
      const ctx: Ctx = { ...this.fnCtx(path.draft, fn.process, path.bound, `step ${fn.step.label}`), loc: st.loc };
      switch (st.kind) {
        case "await": {
          w.writeLine(`if (${this.negate(st.cond, ctx).code}) ${path.exit};`);
          break;
        }
        case "assign": {
          const { group, last } = assignmentRun(stmts, i);
          i = last;
          this.ensureCopy(w, path);
          this.assignments(w, group, { ...ctx, state: path.draft });
          break;
        }
        case "goto": {
          this.ensureCopy(w, path);
          const slot = this.pcSlot(fn.process, code("self"), ctx);
          w.writeLine(`${path.draft}.pc = put(${path.draft}.pc, ${slot.code}, ${JSON.stringify(st.label)});`);
          this.usedRuntime.add("put");
          const self = this.toJson({ kind: "named", name: fn.process.over }, "self", 0);
          const params = path.params.length ? `{ ${path.params.map((p) => (p.key === p.value ? p.key : `${p.key}: ${p.value}`)).join(", ")} }` : "{}";
          w.writeLine(
            `out.push({ step: ${JSON.stringify(fn.step.label)}, processSet: ${JSON.stringify(fn.process.name)}, self${self === "self" ? "" : `: ${self}`}, params: ${params}, next: ${path.draft} });`,
          );
          return;
        }
        case "if": {
          const cond = this.expr(st.cond, ctx);
          const nondeterministic = hasNondeterminism([st]);
          // Alternatives inside the if must each run the statements after it: move them into both branches.
          const [thenStmts, elseStmts] = nondeterministic && rest.length ? [[...st.then, ...rest], [...st.else, ...rest]] : [st.then, st.else];
          if (!(nondeterministic && rest.length) && rest.length && assigns([st])) this.ensureCopy(w, path);
          w.write(`if (${cond.code}) `).inlineBlock(() => this.block(w, thenStmts, { ...path, bound: new Map(path.bound) }, fn));
          if (elseStmts.length) w.write(" else ").inlineBlock(() => this.block(w, elseStmts, { ...path, bound: new Map(path.bound) }, fn));
          w.newLine();
          if (nondeterministic && rest.length) return;
          break;
        }
        case "either": {
          const key = `either@${st.loc.line}:${st.loc.column}`;
          st.branches.forEach((branch, j) => {
            const body = [...branch, ...rest];
            const label = hasDirectAwait(body) ? `branch${++this.labelCounter}` : null;
            w.writeLine(`// either, branch ${j + 1} of ${st.branches.length} (${st.loc.file}:${st.loc.line})`);
            w.write(label ? `${label}: ` : "").inlineBlock(() =>
              this.block(w, body, { ...path, copied: false, exit: label ? `break ${label}` : path.exit, params: [...path.params, { key: JSON.stringify(key), value: String(j) }], bound: new Map(path.bound) }, fn),
            );
            w.newLine();
          });
          return;
        }
        case "choose": {
          const js = this.localName(st.name, path.bound);
          const setType = this.typeOf(st.set, path.bound, fn.process);
          const element = this.elementOf(setType);
          const set = this.expr(st.set, ctx);
          const bound = new Map(path.bound).set(st.name, { code: js, type: element, ...this.bounds.elements(st.set, path.bound, fn.process) });
          const value = this.toJson(element, js, 0);
          w.write(`for (const ${js} of ${set.code}) `).inlineBlock(() =>
            this.block(w, [...st.body, ...rest], { ...path, copied: false, exit: "continue", params: [...path.params, { key: propName(st.name), value }], bound }, fn),
          );
          w.newLine();
          return;
        }
        case "let": {
          const js = this.localName(st.name, path.bound);
          const valueType = this.typeOf(st.value, path.bound, fn.process);
          w.writeLine(`const ${js} = ${this.expr(st.value, ctx).code};`);
          path.bound.set(st.name, { code: js, type: valueType, interval: this.bounds.of(st.value, path.bound, fn.process) });
          this.block(w, [...st.body, ...rest], path, fn);
          return;
        }
      }
    }
  }

  /** Makes the path's state a private copy before its first write. */
  private ensureCopy(w: CodeBlockWriter, path: PathState): void {
    if (path.copied) return;
    const name = path.depth === 0 ? "t" : `t${path.depth}`;
    w.writeLine(`const ${name} = draft(${path.draft});`);
    path.draft = name;
    path.copied = true;
    path.depth += 1;
  }

  /**
   * One update of a variable from consecutive assignments. Their right-hand sides read the state
   * before the update (as in the TLA+ `[x EXCEPT ![i] = a, ![j] = b]`), so when a later one could
   * read the variable (through a helper) the values are computed first.
   */
  private assignments(w: CodeBlockWriter, group: Extract<Stmt, { kind: "assign" }>[], ctx: Ctx): void {
    const first = group[0];
    if (!first) return;
    const target = first.target;
    const variable =
      target.scope === "var" ? this.spec.variables.find((v) => v.name === target.name) : ctx.process?.locals.find((l) => l.name === target.name);
    if (!variable) throw new Error(`${this.spec.source}: ${ctx.where}: unknown variable ${target.name}`);
    const draft = ctx.state ?? "s";
    const holder = member(draft, target.name);
    const pre = group.length > 1 && group.slice(1).some((g) => containsCall(g));
    const prepared = group.map((g, gi) => {
      const indices = g.target.path.map((p) =>
        p.kind === "index" ? this.nonNull(this.expr(p.index, ctx), this.typeOf(p.index, ctx.bound, ctx.process), ctx, exprText(p.index)) : null,
      );
      const values = { value: this.expr(g.value, ctx, this.pathType(variable.type, g.target)).code, indices };
      if (!pre) return values;
      const v = `v${gi}`;
      w.writeLine(`const ${v} = ${values.value};`);
      const temps = values.indices.map((ix, k) => {
        if (!ix) return null;
        w.writeLine(`const k${gi}_${k} = ${ix.code};`);
        return code(`k${gi}_${k}`);
      });
      return { value: v, indices: temps };
    });
    group.forEach((g, gi) => {
      const p = prepared[gi];
      if (!p) return;
      let path = g.target.path.map((seg, k) => ({ seg, index: p.indices[k] ?? null }));
      let type: VT = variable.type;
      if (target.scope === "local") {
        const pos = this.position({ kind: "named", name: ctx.process?.over ?? "" }, code("self"), ctx);
        type = { kind: "map", key: { kind: "named", name: ctx.process?.over ?? "" }, value: variable.type };
        path = [{ seg: { kind: "index", index: { kind: "self" } }, index: pos }, ...path];
        // The local's own position needs no translation below: mark it already positioned.
        w.writeLine(`${holder} = ${this.update(holder, type, path, p.value, ctx, true, target.name)};`);
        return;
      }
      if (path.length === 0) {
        w.writeLine(`${holder} = ${p.value};`);
        return;
      }
      w.writeLine(`${holder} = ${this.update(holder, type, path, p.value, ctx, false, target.name)};`);
    });
  }

  /** The declared type of an assignment target's part. */
  private pathType(type: Type, target: LValue): VT {
    let t: VT = type;
    for (const seg of target.path) {
      const r = this.resolve(t);
      if (seg.kind === "index") t = r.kind === "map" ? r.value : UNKNOWN;
      else {
        const rec = r.kind === "optional" ? this.resolve(r.value) : r;
        t = rec.kind === "record" ? (rec.fields.find((f) => f.name === seg.field)?.type ?? UNKNOWN) : UNKNOWN;
      }
    }
    return t;
  }

  /**
   * Code for `current` with the part at `path` replaced by `value` (copying only that path). A key that
   * could be outside the map's keys is checked, as TLC's other engines do (TLC itself only warns).
   */
  private update(
    current: string,
    type: VT,
    path: { seg: LValue["path"][number]; index: Code | null }[],
    value: string,
    ctx: Ctx,
    firstPositioned: boolean,
    text: string,
  ): string {
    const [head, ...tail] = path;
    if (!head) return value;
    const r = this.resolve(type);
    if (head.seg.kind === "index") {
      if (r.kind !== "map") throw new Error(`${this.spec.source}: ${ctx.where}: cannot index a value that is not a map`);
      const index = head.index ?? code("undefined");
      const partText = `${text}[${exprText(head.seg.index)}]`;
      if (!firstPositioned && this.keyMayMiss(r.key) && !this.bounds.isKey(r.key, head.seg.index, ctx.bound, ctx.process)) {
        const key = this.resolve(r.key);
        const part = this.checkedRead(code(current, PREC.member), r.key, index, ctx, text).code;
        const inner = tail.length ? this.update(part, r.value, tail, value, ctx, false, partText) : value;
        const site = `${this.site(ctx)}, ${JSON.stringify(text)}`;
        if (key.kind === "int") {
          this.usedRuntime.add("putInt");
          return `putInt(${current}, ${index.code}, ${this.expr(key.lo, this.boundsCtx(ctx)).code}, ${inner}, ${site})`;
        }
        this.usedRuntime.add("putAt");
        return `putAt(${current}, ${this.position(r.key, index, ctx).code}, ${index.code}, ${inner}, ${site})`;
      }
      const pos = firstPositioned ? index : this.position(r.key, index, ctx);
      this.usedRuntime.add("put");
      const inner = tail.length ? this.update(`${current}[${pos.code}]`, r.value, tail, value, ctx, false, partText) : value;
      return `put(${current}, ${pos.code}, ${inner})`;
    }
    const field = head.seg.field;
    const rec = r.kind === "optional" ? this.resolve(r.value) : r;
    const fieldType = rec.kind === "record" ? (rec.fields.find((f) => f.name === field)?.type ?? UNKNOWN) : UNKNOWN;
    const base = r.kind === "optional" ? this.nonNull(code(current, PREC.member), r, ctx, text).code : current;
    const inner = tail.length ? this.update(member(base, field), fieldType, tail, value, ctx, false, `${text}.${field}`) : value;
    // A record literal with every field (in canonical order) rather than a spread: records built by
    // one literal shape share a hidden class, which keeps the explorer's property reads fast.
    if (rec.kind === "record" && rec.fields.length <= 6)
      return `{ ${sortedFields(rec)
        .map((f) => `${propName(f.name)}: ${f.name === field ? inner : member(base, f.name)}`)
        .join(", ")} }`;
    return `{ ...${base}, ${propName(field)}: ${inner} }`;
  }

  protected successorsFunction(variant: string | null, dispatch: { process: Process; steps: StepFunction[] }[], name: string): StatementStructures {
    return {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [
        `Every enabled step of \`s\`${variant ? ` in variant ${JSON.stringify(variant)}` : " (base steps)"}, in a fixed order: process by process, then alternative by alternative.`,
      ],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "Transition[]",
      statements: written((w) => {
        w.writeLine("const out: Transition[] = [];");
        for (const { process, steps } of dispatch) {
          const ctx = this.fnCtx("s", process, new Map(), "successors");
          const slot = this.pcSlot(process, code("self"), ctx);
          w.write(`for (const self of ${ctx.ref(process.over)}) `).inlineBlock(() => {
            w.write(`switch (s.pc[${slot.code}]) `).inlineBlock(() => {
              for (const fn of steps) {
                w.writeLine(`case ${JSON.stringify(fn.step.label)}:`);
                w.indent(() => {
                  w.writeLine(`${fn.name}(env, s, self, out);`);
                  w.writeLine("break;");
                });
              }
            });
          });
          w.newLine();
        }
        w.writeLine("return out;");
      }),
    };
  }

  protected applyStepFunction(variants: { name: string | null; fn: string }[]): StatementStructures {
    this.usedRuntime.add("equals");
    const table = variants.map((v) => `[${v.name === null ? "null" : JSON.stringify(v.name)}, ${v.fn}]`).join(", ");
    return {
      kind: StructureKind.Function,
      name: "applyStep",
      isExported: true,
      docs: [
        "The states that one step can lead to: `step` taken by process `self` from `s`, with the given choices (a `choose` value by name, `either@line:col` → branch). Several states when choices are left open; none when the step is not enabled. For driving an implementation side by side with the reference.",
      ],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
        { name: "step", type: "string" },
        { name: "self", type: "Json" },
        { name: "params", type: "Record<string, Json>", initializer: "{}" },
        { name: "variant", type: "string | null", initializer: "null" },
      ],
      returnType: "State[]",
      statements: [
        `const byVariant = new Map<string | null, (env: Env, s: State) => Transition[]>([${table}]);`,
        "const successorsOf = byVariant.get(variant);",
        "if (!successorsOf) throw new Error(`no variant ${variant}`);",
        "return successorsOf(env, s)",
        "  .filter((t) => t.step === step && equals(t.self, self) && Object.keys(params).every((k) => equals(t.params[k], params[k])))",
        "  .map((t) => t.next);",
      ].join("\n"),
    };
  }
}
