/**
 * The PlusCal algorithm (P-syntax) for a spec, placed in the module's comment so that a user with
 * TLC's tools can re-translate it with `pcal.trans`.
 */
import type { Definition, Spec, Stmt, Variable } from "../ir.ts";
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
  for (const m of spec.macros) {
    lines.push("", `macro ${m.name}(${m.params.join(", ")})`, "begin", ...orSkip(renderBlock(m.body, 1, ctx), 1), "end macro;");
  }
  // An actions-only spec is a process per action whose body is one `while TRUE` loop: pcal.trans then
  // needs no pc and translates each into the action itself (`Name(self) == body`).
  if (spec.processes.length === 0)
    for (const a of spec.actions) {
      const actx: ExprContext = a.param ? { ...ctx, substitute: new Map([[a.param, "self"]]) } : ctx;
      lines.push("", a.over ? `process ${a.name} \\in ${a.over}` : `process ${a.name} = ${tlaString(a.name)}`, "begin", `${a.name}_:`);
      lines.push(`${indent(1)}while TRUE do`, ...orSkip(renderBlock(a.body, 2, actx), 2), `${indent(1)}end while;`, "end process;");
    }
  for (const p of spec.processes) {
    lines.push("", `process ${p.name} \\in ${p.over}`);
    if (p.locals.length > 0) lines.push(`variables ${p.locals.map((l) => declaration(l, ctx)).join(", ")};`);
    lines.push("begin");
    for (const step of p.steps) {
      lines.push(`${step.label}:${step.models ? `  \\* ${step.models}` : ""}`);
      const body = renderBlock(step.body, 1, ctx);
      lines.push(...(body.length > 0 ? body : [`${indent(1)}skip;`]));
    }
    lines.push("end process;");
  }
  lines.push("", "end algorithm;");
  return lines.join("\n");
}

/** `x = e`, or `x \\in S` for any initial value of S. */
function declaration(v: Variable, ctx: ExprContext): string {
  return v.init.kind === "anyOf" ? `${v.name} \\in ${renderExpr(v.init.set, ctx, 5)}` : `${v.name} = ${renderExpr(v.init, ctx)}`;
}

function renderBlock(stmts: Stmt[], depth: number, ctx: ExprContext): string[] {
  const out: string[] = [];
  const pad = indent(depth);
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    if (!stmt) continue;
    switch (stmt.kind) {
      case "assign": {
        // Consecutive assignments to one variable are one PlusCal multiple assignment.
        const parts = [stmt];
        while (true) {
          const next = stmts[i + 1];
          if (next?.kind !== "assign" || next.target.name !== stmt.target.name || next.target.scope !== stmt.target.scope) break;
          parts.push(next);
          i++;
        }
        const text = parts
          .map((a) => {
            const path = renderPath(a.target.path, ctx);
            return `${a.target.name}${path} := ${renderExpr(a.value, ctx)}`;
          })
          .join(" || ");
        out.push(`${pad}${text};`);
        break;
      }
      case "await":
        out.push(`${pad}await ${renderExpr(stmt.cond, ctx)};`);
        break;
      case "goto":
        out.push(`${pad}goto ${stmt.label};`);
        break;
      case "if":
        out.push(`${pad}if ${renderExpr(stmt.cond, ctx)} then`, ...orSkip(renderBlock(stmt.then, depth + 1, ctx), depth + 1));
        if (stmt.else.length > 0) out.push(`${pad}else`, ...renderBlock(stmt.else, depth + 1, ctx));
        out.push(`${pad}end if;`);
        break;
      case "either":
        stmt.branches.forEach((b, j) => {
          out.push(`${pad}${j === 0 ? "either" : "or"}`, ...orSkip(renderBlock(b, depth + 1, ctx), depth + 1));
        });
        out.push(`${pad}end either;`);
        break;
      case "choose":
        out.push(`${pad}with ${stmt.name} \\in ${renderExpr(stmt.set, ctx, 5)} do`, ...orSkip(renderBlock(stmt.body, depth + 1, ctx), depth + 1), `${pad}end with;`);
        break;
      case "let":
        out.push(`${pad}with ${stmt.name} = ${renderExpr(stmt.value, ctx)} do`, ...orSkip(renderBlock(stmt.body, depth + 1, ctx), depth + 1), `${pad}end with;`);
        break;
      case "macro":
        out.push(`${pad}${stmt.name}(${stmt.args.map((a) => renderExpr(a, ctx)).join(", ")});`);
        break;
    }
  }
  return out;
}

function orSkip(lines: string[], depth: number): string[] {
  return lines.length > 0 ? lines : [`${indent(depth)}skip;`];
}
