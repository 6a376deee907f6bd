/**
 * Step bodies → successor functions: one function per step writing the successors of a state along
 * every path through the body (working copies, updates, `either`/`choose` alternatives, `await`), and
 * the per-variant `successors` dispatch and `applyStep`.
 */
import { CodeBlockWriter, type StatementStructures, StructureKind } from "ts-morph";
import type { Expr, LValue, Procedure, Process, Step, Stmt, Type } from "../ir.ts";
import { assignmentRun, assigns, containsCall, hasDirectAwait, hasNondeterminism, visitStatements } from "../ir-walk.ts";
import { armKey, endsStep } from "../branches.ts";
import { withFallThrough } from "../tla/translate.ts";
import { UNKNOWN, PREC, code, propName, member, docText, sortedFields, written, type VT, type Code, type Ctx, type PathState, type StepFunction } from "./shared.ts";
import { exprText } from "./bounds.ts";
import { JsonGenerator } from "./json.ts";

export abstract class StepGenerator extends JsonGenerator {
  private labelCounter = 0;
  private branchCounter = 0;

  protected stepFunction(fn: StepFunction): StatementStructures {
    const { step, process } = fn;
    if (fn.procedure) return this.procedureStepFunction(fn, fn.procedure);
    if (!process) return this.actionFunction(fn);
    const body = withFallThrough(step.body, fn.next, step.loc);
    return {
      kind: StructureKind.Function,
      name: fn.name,
      docs: [stepDocs(step, `${step.label} (process ${process.name})${step.models ? `: models ${step.models}` : ""}.`, `Runs when pc[self] is ${JSON.stringify(step.label)}; pushes`)],
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
      this.branchCounter = 0;
      const path: PathState = { draft: "s", copied: false, exit: "return", params: [], branches: [], bound: new Map(), depth: 0 };
      this.block(w, body, path, fn);
    });
    let calls = false;
    visitStatements(body, { expr: (e) => (calls ||= this.callsChecked(e)) });
    if (this.checks === before && !calls) return text;
    this.usedRuntime.add("showValue");
    // A procedure's step runs for whichever process called it: its set is the function's argument.
    const who = fn.process
      ? `of process ${fn.process.name} \${showValue(self)}`
      : fn.procedure
        ? `of process \${processSet} \${showValue(self)}`
        : `(process \${showValue(self)})`;
    return this.guarded(text, `\`step ${fn.step.label} ${who}\``);
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
          path.branches.push({ lit: armKey("when", st.loc, "held") });
          break;
        }
        case "assign": {
          const { group, last } = assignmentRun(stmts, i);
          i = last;
          this.ensureCopy(w, path);
          this.assignments(w, group, { ...ctx, state: path.draft });
          break;
        }
        case "call":
        case "return":
          this.ensureCopy(w, path);
          if (st.kind === "call") this.callProcedure(w, st, path, fn);
          else this.returnFromProcedure(w, path, fn);
          this.pushTransition(w, path, fn);
          return;
        case "goto": {
          this.ensureCopy(w, path);
          if (fn.procedure) {
            w.writeLine(`${path.draft}.pc = put(${path.draft}.pc, ${this.pcSlot(null, code("self"), ctx).code}, ${JSON.stringify(st.label)});`);
            this.usedRuntime.add("put");
            this.pushTransition(w, path, fn);
            return;
          }
          if (!fn.process) {
            // A plain action's path ends here: no pc to move.
            const params = path.params.length ? `{ ${path.params.map((p) => (p.key === p.value ? p.key : `${p.key}: ${p.value}`)).join(", ")} }` : "{}";
            w.writeLine(`out.push({ step: ${JSON.stringify(fn.step.label)}, processSet: "", self: null, params: ${params}, branches: ${branchesCode(path.branches)}, next: ${path.draft} });`);
            return;
          }
          const slot = this.pcSlot(fn.process, code("self"), ctx);
          w.writeLine(`${path.draft}.pc = put(${path.draft}.pc, ${slot.code}, ${JSON.stringify(st.label)});`);
          this.usedRuntime.add("put");
          const self = this.toJson({ kind: "named", name: fn.process.over }, "self", 0);
          const params = path.params.length ? `{ ${path.params.map((p) => (p.key === p.value ? p.key : `${p.key}: ${p.value}`)).join(", ")} }` : "{}";
          w.writeLine(
            `out.push({ step: ${JSON.stringify(fn.step.label)}, processSet: ${JSON.stringify(fn.process.name)}, self${self === "self" ? "" : `: ${self}`}, params: ${params}, branches: ${branchesCode(path.branches)}, next: ${path.draft} });`,
          );
          return;
        }
        case "if": {
          const cond = this.expr(st.cond, ctx);
          const nondeterministic = hasNondeterminism([st]);
          // Alternatives inside the if must each run the statements after it: move them into both branches.
          const [thenStmts, elseStmts] = nondeterministic && rest.length ? [[...st.then, ...rest], [...st.else, ...rest]] : [st.then, st.else];
          if (!(nondeterministic && rest.length) && rest.length && assigns([st])) this.ensureCopy(w, path);
          // Where both arms go on to the same code, a variable says which one the transition took.
          const taken = endsStep(thenStmts) && endsStep(elseStmts) ? null : `br${++this.branchCounter}`;
          if (taken) w.writeLine(`let ${taken}: string;`);
          const arm = (stmtsOf: Stmt[], name: "then" | "else") => () => {
            const sub: PathState = { ...path, bound: new Map(path.bound), branches: [...path.branches, { lit: armKey("if", st.loc, name) }] };
            this.block(w, stmtsOf, sub, fn);
            if (taken) w.writeLine(`${taken} = ${branchesCode(sub.branches.slice(path.branches.length))};`);
          };
          w.write(`if (${cond.code}) `).inlineBlock(arm(thenStmts, "then"));
          if (elseStmts.length || taken) w.write(" else ").inlineBlock(arm(elseStmts, "else"));
          w.newLine();
          if (taken) path.branches.push({ ref: taken });
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
              this.block(
                w,
                body,
                {
                  ...path,
                  copied: false,
                  exit: label ? `break ${label}` : path.exit,
                  params: [...path.params, { key: JSON.stringify(key), value: String(j) }],
                  branches: [...path.branches, { lit: armKey("either", st.loc, j) }],
                  bound: new Map(path.bound),
                },
                fn,
              ),
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
            this.block(w, [...st.body, ...rest], { ...path, copied: false, exit: "continue", params: [...path.params, { key: propName(st.name), value }], branches: [...path.branches], bound }, fn),
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

  /** Pushes the transition of a path that has set pc: who took it, with which choices, to which state. */
  private pushTransition(w: CodeBlockWriter, path: PathState, fn: StepFunction): void {
    const params = path.params.length ? `{ ${path.params.map((p) => (p.key === p.value ? p.key : `${p.key}: ${p.value}`)).join(", ")} }` : "{}";
    const processSet = fn.procedure ? "processSet" : JSON.stringify(fn.process?.name ?? "");
    const self = fn.procedure || !fn.process ? "self" : this.toJson({ kind: "named", name: fn.process.over }, "self", 0);
    w.writeLine(`out.push({ step: ${JSON.stringify(fn.step.label)}, processSet${processSet === "processSet" ? "" : `: ${processSet}`}, self${self === "self" ? "" : `: ${self}`}, params: ${params}, branches: ${branchesCode(path.branches)}, next: ${path.draft} });`);
  }

  /**
   * `call P(args)`, as pcal.trans translates it: a frame with the label to return to and the old
   * values of P's parameters and locals goes on the stack, the parameters get the arguments (read
   * before anything changes), the locals their initial values, and pc P's first step.
   */
  private callProcedure(w: CodeBlockWriter, st: Extract<Stmt, { kind: "call" }>, path: PathState, fn: StepFunction): void {
    const callee = this.spec.procedures.find((p) => p.name === st.procedure);
    if (!callee) throw new Error(`${this.spec.source}: unknown procedure ${st.procedure}`);
    const ctx = this.fnCtx(path.draft, fn.process, path.bound, `call ${callee.name}`);
    const d = path.draft;
    const slot = this.pcSlot(fn.process, code("self"), ctx).code;
    const saved = [...callee.locals, ...callee.params].map((v) => `, ${propName(v.name)}: ${member(d, v.name)}[${slot}]`).join("");
    w.writeLine(`const frame: Frame = { procedure: ${JSON.stringify(callee.name)}, pc: ${JSON.stringify(st.returnTo ?? "Done")}${saved} };`);
    const args = callee.params.map((p, j) => {
      const arg = st.args[j];
      if (!arg) throw new Error(`${this.spec.source}: ${callee.name} called with too few arguments`);
      const name = `arg${j}`;
      w.writeLine(`const ${name} = ${this.expr(arg, ctx, p.type).code};`);
      return name;
    });
    this.usedRuntime.add("put");
    w.writeLine(`${d}.stack = put(${d}.stack, ${slot}, [frame, ...${d}.stack[${slot}]]);`);
    callee.params.forEach((p, j) => w.writeLine(`${member(d, p.name)} = put(${member(d, p.name)}, ${slot}, ${args[j]});`));
    const noState = this.fnCtx(null, null, new Map(), `call ${callee.name}`);
    for (const l of callee.locals) w.writeLine(`${member(d, l.name)} = put(${member(d, l.name)}, ${slot}, ${this.expr(l.init, noState, l.type).code});`);
    w.writeLine(`${d}.pc = put(${d}.pc, ${slot}, ${JSON.stringify(callee.steps[0]?.label ?? "Done")});`);
  }

  /** `return`: pc, the procedure's parameters and locals from the top frame, which is popped. */
  private returnFromProcedure(w: CodeBlockWriter, path: PathState, fn: StepFunction): void {
    const proc = fn.procedure;
    if (!proc) throw new Error(`${this.spec.source}: ret() outside a procedure`);
    const ctx = this.fnCtx(path.draft, null, path.bound, `return from ${proc.name}`);
    const d = path.draft;
    const slot = this.pcSlot(null, code("self"), ctx).code;
    w.writeLine(`const frame = ${d}.stack[${slot}]?.[0] as Extract<Frame, { procedure: ${JSON.stringify(proc.name)} }> | undefined;`);
    w.writeLine(`if (frame === undefined) throw new Error("return from ${proc.name} with an empty stack");`);
    this.usedRuntime.add("put");
    w.writeLine(`${d}.pc = put(${d}.pc, ${slot}, frame.pc);`);
    for (const v of [...proc.locals, ...proc.params]) w.writeLine(`${member(d, v.name)} = put(${member(d, v.name)}, ${slot}, ${member("frame", v.name)});`);
    w.writeLine(`${d}.stack = put(${d}.stack, ${slot}, ${d}.stack[${slot}].slice(1));`);
  }

  /** A procedure's step: taken by any process, which says its process set. */
  protected procedureStepFunction(fn: StepFunction, proc: Procedure): StatementStructures {
    const body = withFallThrough(fn.step.body, fn.next, fn.step.loc);
    return {
      kind: StructureKind.Function,
      name: fn.name,
      docs: [stepDocs(fn.step, `${fn.step.label} (procedure ${proc.name})${fn.step.models ? `: models ${fn.step.models}` : ""}.`, `Runs when pc[self] is ${JSON.stringify(fn.step.label)}; pushes`)],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
        { name: "self", type: this.processIdType() },
        { name: "processSet", type: "string" },
        { name: "out", type: "Transition[]" },
      ],
      returnType: "void",
      statements: this.stepBody(fn, body),
    };
  }

  /** A plain action: pushes one transition per enabled alternative, its parameter (if any) among the params. */
  protected actionFunction(fn: StepFunction): StatementStructures {
    const { step } = fn;
    const over = fn.action?.over;
    const param = fn.action?.param;
    const js = param ? this.localName(param, new Map()) : undefined;
    const paramType = over ? ({ kind: "named", name: over } as const) : undefined;
    return {
      kind: StructureKind.Function,
      name: fn.name,
      docs: [stepDocs(step, `Action ${step.label}${over ? ` (one per value of ${over})` : ""}.`, "Pushes")],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
        ...(js && paramType ? [{ name: js, type: this.tsType(paramType) }] : []),
        { name: "out", type: "Transition[]" },
      ],
      returnType: "void",
      statements: written((w) => {
        this.labelCounter = 0;
        this.branchCounter = 0;
        const bound = new Map<string, { code: string; type: VT }>(param && js && paramType ? [[param, { code: js, type: paramType }]] : []);
        const params = param && js && paramType ? [{ key: propName(param), value: this.toJson(paramType, js, 0) }] : [];
        const path: PathState = { draft: "s", copied: false, exit: "return", params, branches: [], bound, depth: 0 };
        this.block(w, withFallThrough(step.body, "", step.loc), path, fn);
      }),
    };
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
      target.scope === "var"
        ? this.spec.variables.find((v) => v.name === target.name)
        : (ctx.process?.locals.find((l) => l.name === target.name) ?? this.procVars.find((v) => v.name === target.name));
    if (!variable) throw new Error(`${this.spec.source}: ${ctx.where}: unknown variable ${target.name}`);
    const draft = ctx.state ?? "s";
    const holder = member(draft, target.name);
    const pre = group.length > 1 && group.slice(1).some((g) => containsCall(g));
    const prepared = group.map((g, gi) => {
      const indices = g.target.path.map((p) =>
        p.kind === "field" ? null : this.nonNull(this.expr(p.index, ctx), this.typeOf(p.index, ctx.bound, ctx.process), ctx, exprText(p.index)),
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
        // A process's local by its position in its set; a procedure's variable by pc slot.
        const pos = this.procVarNames.has(target.name) ? this.pcSlot(null, code("self"), ctx) : this.position({ kind: "named", name: ctx.process?.over ?? "" }, code("self"), ctx);
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
      else if (seg.kind === "at") t = this.elementAt(r, seg.index);
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
    if (head.seg.kind === "at") {
      if (r.kind !== "seq" && r.kind !== "tuple") throw new Error(`${this.spec.source}: ${ctx.where}: a position of a value that is not a sequence`);
      const index = head.index ?? code("undefined");
      this.usedRuntime.add("seqPut");
      this.usedRuntime.add("seqAt");
      const site = `${this.site(ctx)}, ${JSON.stringify(text)}`;
      const inner = tail.length ? this.update(`seqAt(${current}, ${index.code}, ${site})`, this.elementAt(r, head.seg.index), tail, value, ctx, false, `${text}[${exprText(head.seg.index)}]`) : value;
      // Replacing an element keeps a tuple's shape, which TypeScript cannot see through the array copy.
      return `seqPut(${current}, ${index.code}, ${inner}, ${site})${r.kind === "tuple" ? ` as ${this.tsType(r)}` : ""}`;
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

  protected successorsFunction(
    variant: string | null,
    dispatch: { process: Process; steps: StepFunction[] }[],
    name: string,
    actions: StepFunction[] = [],
    procedureSteps: StepFunction[] = [],
  ): StatementStructures {
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
              // Any process of the set can be inside a procedure.
              for (const fn of procedureSteps) {
                w.writeLine(`case ${JSON.stringify(fn.step.label)}:`);
                w.indent(() => {
                  w.writeLine(`${fn.name}(env, s, self, ${JSON.stringify(process.name)}, out);`);
                  w.writeLine("break;");
                });
              }
            });
          });
          w.newLine();
        }
        for (const a of actions) {
          if (a.action?.over) {
            const ctx = this.fnCtx("s", null, new Map(), "successors");
            w.writeLine(`for (const p of ${ctx.ref(a.action.over)}) ${a.name}(env, s, p, out);`);
          } else w.writeLine(`${a.name}(env, s, out);`);
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

/** The `branches` text of a transition: its arm keys separated by spaces (a template literal where an `if`'s arm is only known at run time). */
function branchesCode(parts: PathState["branches"]): string {
  if (parts.every((p) => "lit" in p)) return JSON.stringify(parts.map((p) => ("lit" in p ? p.lit : "")).join(" "));
  return `\`${parts.map((p) => ("lit" in p ? p.lit : `\${${p.ref}}`)).join(" ")}\``;
}

/** A step's or an action's doc: what it is, the spec's doc, where it is written and what it does. */
function stepDocs(step: Step, title: string, does: string): string {
  const lines = [title, ...(step.doc ? ["", step.doc] : []), "", `${step.loc.file}:${step.loc.line}:${step.loc.column}. ${does} one transition per enabled alternative onto \`out\`.`];
  return docText(lines.join("\n"));
}
