/**
 * The PlusCal algorithm (P-syntax) for a spec, placed in the module's comment so that a user with
 * TLC's tools can re-translate it with `pcal.trans`.
 */
import type { Definition, Expr, LValue, Spec, Stmt, Variable } from "../ir.ts";
import { inlineMacros } from "../ir-walk.ts";
import { type AssignmentPlan, assignmentGroup, planAssignment } from "./assignment.ts";
import { type ExprContext, renderExpr, renderPath, tlaString } from "./expr.ts";

const indent = (n: number) => "    ".repeat(n);

export function renderPlusCal(spec: Spec, definitions: ReadonlyMap<string, Definition>): string {
  const ctx: ExprContext = { primed: new Set(), definitions, pluscal: true };
  const lines: string[] = [`--algorithm ${spec.name}`];
  if (spec.variables.length > 0) {
    lines.push("variables");
    spec.variables.forEach((v, i) => {
      lines.push(`${indent(1)}${declaration(v, ctx)}${i === spec.variables.length - 1 ? ";" : ","}`);
    });
  }
  if (spec.definitions.length > 0) {
    lines.push("", "define");
    for (const d of spec.definitions) {
      const head = d.params.length ? `${d.name}(${d.params.join(", ")})` : d.name;
      lines.push(`${indent(1)}${head} == ${renderExpr(d.body, ctx)}`);
    }
    lines.push("end define;");
  }
  for (const m of spec.macros) lines.push("", `macro ${m.name}(${m.params.join(", ")})`, "begin", ...orSkip(renderBlock(m.body, 1, new Set(), definitions).lines, 1), "end macro;");
  for (const proc of spec.procedures) {
    lines.push("", `procedure ${proc.name}(${proc.params.map((v) => declaration(v, ctx)).join(", ")})`);
    if (proc.locals.length > 0) lines.push(`variables ${proc.locals.map((l) => declaration(l, ctx)).join(", ")};`);
    lines.push("begin");
    for (const step of proc.steps) {
      lines.push(`${step.label}:${step.models ? `  \\* ${step.models}` : ""}`);
      lines.push(...orSkip(renderBlock(step.body, 1, new Set(), definitions).lines, 1));
    }
    lines.push("end procedure;");
  }
  // An actions-only spec is a process per action whose body is one `while TRUE` loop: pcal.trans then
  // needs no pc and translates each into the action itself (`Name(self) == body`).
  if (spec.processes.length === 0)
    for (const a of spec.actions) {
      const body = renderBlock(a.body, 2, new Set(), definitions, a.param ? new Map([[a.param, "self"]]) : undefined).lines;
      lines.push("", a.over ? `process ${a.name} \\in ${a.over}` : `process ${a.name} = ${tlaString(a.name)}`, "begin", `${a.name}_:`);
      lines.push(`${indent(1)}while TRUE do`, ...orSkip(body, 2), `${indent(1)}end while;`, "end process;");
    }
  for (const p of spec.processes) {
    lines.push("", `process ${p.name} \\in ${p.over}`);
    if (p.locals.length > 0) lines.push(`variables ${p.locals.map((l) => declaration(l, ctx)).join(", ")};`);
    lines.push("begin");
    for (const step of p.steps) {
      lines.push(`${step.label}:${step.models ? `  \\* ${step.models}` : ""}`);
      lines.push(...orSkip(renderBlock(step.body, 1, new Set(), definitions).lines, 1));
    }
    lines.push("end process;");
  }
  lines.push("", "end algorithm;");
  return lines.join("\n");
}

/** `x = e`, or `x \\in S` for any initial value of S. */
function declaration(v: Variable, ctx: ExprContext): string {
  return v.init.kind === "anyOf" ? `${v.name} \\in ${renderExpr(v.init.set, ctx, "set")}` : `${v.name} = ${renderExpr(v.init, ctx)}`;
}

/** A state key (`var:x`, `local:x`), as the translation tracks what a step has assigned. */
const keyOf = (t: LValue): string => `${t.scope}:${t.name}`;

/**
 * The statements of one path through a step. `before` holds what the path assigned earlier in the
 * step: pcal.trans primes those variables where the text reads them, and a helper that reads one is
 * written out in place (PlusCal evaluates a `define` operator in the state before the step, where the
 * translation reads the new values), exactly where the translation inlines it.
 */
function renderBlock(
  stmts: Stmt[],
  depth: number,
  before: ReadonlySet<string>,
  definitions: ReadonlyMap<string, Definition>,
  /** Bound names written otherwise (a plain action's parameter is `self` in its PlusCal process). */
  substitute?: ReadonlyMap<string, string>,
): { lines: string[]; assigned: Set<string> } {
  const out: string[] = [];
  const pad = indent(depth);
  const assigned = new Set(before);
  const ctx = (): ExprContext => ({ primed: new Set(assigned), definitions, pluscal: true, ...(substitute ? { substitute } : {}) });
  const block = (body: Stmt[]) => {
    const inner = renderBlock(body, depth + 1, assigned, definitions, substitute);
    return { lines: orSkip(inner.lines, depth + 1), assigned: inner.assigned };
  };
  const merge = (...sets: Set<string>[]) => {
    for (const set of sets) for (const k of set) assigned.add(k);
  };
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    if (!stmt) continue;
    switch (stmt.kind) {
      case "assign": {
        // Consecutive assignments to one variable are one PlusCal multiple assignment.
        const group = assignmentGroup(stmts, i);
        i += group.length - 1;
        out.push(`${pad}${renderPlusCalAssignment(planAssignment(group), ctx())};`);
        assigned.add(keyOf(stmt.target));
        break;
      }
      case "await":
        out.push(`${pad}await ${renderExpr(stmt.cond, ctx())};`);
        break;
      case "goto":
        out.push(`${pad}goto ${stmt.label};`);
        break;
      case "if": {
        const cond = renderExpr(stmt.cond, ctx());
        const a = block(stmt.then);
        const b = stmt.else.length > 0 ? block(stmt.else) : { lines: [], assigned: new Set<string>() };
        out.push(`${pad}if ${cond} then`, ...a.lines);
        if (stmt.else.length > 0) out.push(`${pad}else`, ...b.lines);
        out.push(`${pad}end if;`);
        merge(a.assigned, b.assigned);
        break;
      }
      case "either": {
        const branches = stmt.branches.map(block);
        branches.forEach((b, j) => out.push(`${pad}${j === 0 ? "either" : "or"}`, ...b.lines));
        out.push(`${pad}end either;`);
        merge(...branches.map((b) => b.assigned));
        break;
      }
      case "choose":
      case "let": {
        const head = stmt.kind === "choose" ? `${stmt.name} \\in ${renderExpr(stmt.set, ctx(), "set")}` : `${stmt.name} = ${renderExpr(stmt.value, ctx())}`;
        const inner = block(stmt.body);
        out.push(`${pad}with ${head} do`, ...inner.lines, `${pad}end with;`);
        merge(inner.assigned);
        break;
      }
      case "call":
        out.push(`${pad}call ${stmt.procedure}(${stmt.args.map((a) => renderExpr(a, ctx())).join(", ")});`);
        break;
      case "return":
        out.push(`${pad}return;`);
        break;
      case "macro": {
        // The call as written; what its body assigns is assigned after it (pcal.trans expands it in place).
        out.push(`${pad}${stmt.name}(${stmt.args.map((a) => renderExpr(a, ctx())).join(", ")});`);
        merge(renderBlock(inlineMacros(stmt.body), depth, assigned, definitions, substitute).assigned);
        break;
      }
    }
  }
  return { lines: out, assigned };
}

/** `x := e`, `x[i] := a || x[j].f := b`, or `x := [e EXCEPT ![i] = a]` when a group assigns x whole and then parts of it. */
function renderPlusCalAssignment(plan: AssignmentPlan, ctx: ExprContext): string {
  const path = (p: AssignmentPlan["parts"][number]["path"]) => renderPath(p, ctx);
  if (plan.whole && plan.parts.length === 0) return `${plan.name} := ${renderExpr(plan.whole, ctx)}`;
  if (plan.whole)
    return `${plan.name} := [${renderExpr(plan.whole, ctx, "atom")} EXCEPT ${plan.parts.map((u) => `!${path(u.path)} = ${renderExpr(u.value, ctx)}`).join(", ")}]`;
  // In `x[i] := a + 1 || x[j] := b`, `||` is also a TLA+ infix operator: the TLA+ grammar (tree-sitter's)
  // reads `a + 1 || x[j]` as one expression. pcal.trans splits on `||` first; parentheses make both agree.
  const value = (v: Expr) => renderExpr(v, ctx, plan.parts.length > 1 ? "atom" : "top");
  return plan.parts.map((u) => `${plan.name}${path(u.path)} := ${value(u.value)}`).join(" || ");
}

function orSkip(lines: string[], depth: number): string[] {
  return lines.length > 0 ? lines : [`${indent(depth)}skip;`];
}
