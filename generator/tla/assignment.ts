/**
 * One update of one variable: consecutive assignments to a variable and its parts (`s.x[i] = a;
 * s.x[j].f = b`) form one update, as PlusCal's multiple assignment `x[i] := a || x[j].f := b` does.
 * The translation and the PlusCal text render the same plan, so they cannot disagree on what the
 * update means.
 */
import type { Expr, LValue, Stmt } from "../ir.ts";

type Assign = Extract<Stmt, { kind: "assign" }>;

export interface AssignmentPlan {
  name: string;
  scope: LValue["scope"];
  /**
   * The variable's new value as a whole, when the group assigns it whole; later part-assignments of
   * the group update that value (`[e EXCEPT !…]`). Undefined when only parts are assigned.
   */
  whole?: Expr;
  /** Part updates, in order (`![i].f = v`), applied after `whole` (or to the current value). */
  parts: { path: LValue["path"]; value: Expr }[];
}

/**
 * The plan of a group of assignments to one variable. A whole-variable assignment makes what came
 * before it in the group irrelevant (PlusCal rejects `x[i] := a || x := e`, so the text must not
 * contain both).
 */
export function planAssignment(group: Assign[]): AssignmentPlan {
  const first = group[0];
  if (!first) throw new Error("empty assignment group");
  let start = 0;
  group.forEach((g, i) => {
    if (g.target.path.length === 0) start = i;
  });
  const base = group[start] as Assign;
  const rest = group.slice(start + (base.target.path.length === 0 ? 1 : 0));
  return {
    name: first.target.name,
    scope: first.target.scope,
    ...(base.target.path.length === 0 ? { whole: base.value } : {}),
    parts: rest.map((g) => ({ path: g.target.path, value: g.value })),
  };
}

/** The consecutive assignments to one variable starting at `stmts[i]` (the group `planAssignment` reads). */
export function assignmentGroup(stmts: Stmt[], i: number): Assign[] {
  const first = stmts[i];
  if (first?.kind !== "assign") return [];
  const group = [first];
  for (let j = i + 1; ; j++) {
    const next = stmts[j];
    if (next?.kind !== "assign" || next.target.name !== first.target.name || next.target.scope !== first.target.scope) break;
    group.push(next);
  }
  return group;
}
