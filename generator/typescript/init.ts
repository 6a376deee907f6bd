/**
 * The initial states: every variable and local at its initial value, or each choice of an `anyOf`
 * initial value (any value of a set; for a local, a choice per process), every process at its first
 * step, or, when the spec gives its initial states by a predicate, every label a process can be at,
 * and only the states that satisfy the predicate.
 */
import { type StatementStructures, StructureKind } from "ts-morph";
import type { Expr, Spec } from "../ir.ts";
import { children, pcLabels } from "../ir-walk.ts";
import { propName, wrapMember, written, type Ctx } from "./shared.ts";
import { StepGenerator } from "./steps.ts";

export abstract class InitGenerator extends StepGenerator {
  protected initFunction(variant: string | null, vs: Spec, name: string): StatementStructures {
    const ctx = this.fnCtx(null, null, new Map(), "init");
    const before = this.checks;
    // Each choice is a loop over its alternatives; fixed values are written in place.
    const loops: { name: string; values: string }[] = [];
    const choice = (values: string): string => {
      const loopVar = `c${loops.length}`;
      loops.push({ name: loopVar, values });
      return loopVar;
    };
    const fields: string[] = [];
    for (const v of vs.variables) {
      const vctx: Ctx = { ...ctx, loc: v.loc };
      const value = v.init.kind === "anyOf" ? choice(this.expr(v.init.set, vctx).code) : this.expr(v.init, vctx, v.type).code;
      fields.push(`${propName(v.name)}: ${value}`);
    }
    for (const p of vs.processes)
      for (const l of p.locals) {
        if (l.init.kind === "anyOf") {
          this.usedRuntime.add("functions");
          fields.push(`${propName(l.name)}: ${choice(`functions(${ctx.ref(p.over)}.length, ${wrapMember(this.expr(l.init.set, { ...ctx, loc: l.loc }).code)})`)}`);
          continue;
        }
        const pctx: Ctx = { ...ctx, process: p, loc: l.loc, bound: new Map([["self", { code: "self", type: { kind: "named", name: p.over } }]]) };
        const value = this.expr(l.init, pctx, l.type);
        const annot = this.hasStrings(l.type) ? `: ${this.tsType(l.type)}` : "";
        fields.push(`${propName(l.name)}: ${ctx.ref(p.over)}.map((${usesSelf(l.init) ? "self" : ""})${annot} => ${value.code.startsWith("{") ? `(${value.code})` : value.code})`);
      }
    // Every process's procedure variables and stack, by pc slot.
    const only = vs.processes[0];
    const everyProcess = this.multiProcess || !only ? "env.processes" : ctx.ref(only.over);
    for (const v of this.procVars) {
      const value = this.expr(v.init, ctx, v.type);
      const annot = this.hasStrings(v.type) ? `: ${this.tsType(v.type)}` : "";
      fields.push(`${propName(v.name)}: ${everyProcess}.map(()${annot} => ${value.code.startsWith("{") ? `(${value.code})` : value.code})`);
    }
    if (vs.procedures.length > 0) fields.push(`stack: ${everyProcess}.map((): readonly Frame[] => [])`);
    const pcs = vs.processes.map((p) => {
      if (!vs.initially) return `${ctx.ref(p.over)}.map((): Label => ${JSON.stringify(p.steps[0]?.label ?? "Done")})`;
      this.usedRuntime.add("functions");
      return choice(`functions<Label>(${ctx.ref(p.over)}.length, [${pcLabels(p).map((l) => JSON.stringify(l)).join(", ")}])`);
    });
    fields.push(`pc: ${pcs.length === 0 ? "[]" : pcs.length === 1 ? pcs[0] : `[${pcs.map((x) => `...${x}`).join(", ")}]`}`);
    const predicate = vs.initially ? this.expr(vs.initially.body, { ...this.fnCtx("s", null, new Map(), "initially"), state: "s" }) : undefined;
    const what = vs.initially
      ? "every state satisfying the initial predicate"
      : loops.length
        ? "every choice of the initial values, every process at its first step"
        : "every variable at its initial value, every process at its first step";
    const inits = [...vs.variables, ...vs.processes.flatMap((p) => p.locals), ...this.procVars].map((v) => v.init);
    const checked = this.checks > before || inits.some((e) => this.callsChecked(e)) || (vs.initially !== undefined && this.callsChecked(vs.initially.body));
    const guard = (body: string): string => (checked ? this.guarded(body, JSON.stringify("the initial state")) : body);
    return {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [`The initial states${variant ? ` of variant ${JSON.stringify(variant)}` : ""}: ${what}.`],
      parameters: [{ name: "env", type: "Env" }],
      returnType: "State[]",
      statements: guard(written((w) => {
        if (loops.length === 0 && !predicate) {
          w.write("return [").indent(() => {
            w.write("draft({").indent(() => {
              for (const f of fields) w.writeLine(`${f},`);
            });
            w.write("}),");
          });
          w.write("];");
          return;
        }
        w.writeLine("const out: State[] = [];");
        const nest = (i: number): void => {
          const loop = loops[i];
          if (!loop) {
            w.write("const s = draft({").indent(() => {
              for (const f of fields) w.writeLine(`${f},`);
            });
            w.write("});").newLine();
            w.writeLine(predicate ? `if (${predicate.code}) out.push(s);` : "out.push(s);");
            return;
          }
          w.write(`for (const ${loop.name} of ${loop.values}) `).inlineBlock(() => nest(i + 1));
          w.newLine();
        };
        nest(0);
        w.writeLine("return out;");
      })),
    };
  }
}

function usesSelf(e: Expr): boolean {
  return e.kind === "self" || children(e).some(usesSelf);
}
