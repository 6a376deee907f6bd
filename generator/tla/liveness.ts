/**
 * The TLA+ of fairness and temporal properties.
 *
 * Fairness is written as pcal.trans writes it for the same algorithm (PcalTLAGen.GenSpec), so that
 * re-translating the PlusCal in the module's comment gives the same `Spec`: each fair process set p
 * gets `p(self) == l1(self) \/ l2(self) \/ …` (all its steps), and `Spec` the conjunct
 *
 *     \A self \in S : WF_vars(p(self))                                  (fair process)
 *     \A self \in S : SF_vars(p(self))                                  (fair+ process)
 *     \A self \in S : WF_vars((pc[self] # "m") /\ p(self))              (step m marked fair: "none", PlusCal m:-)
 *     \A self \in S : WF_vars(p(self)) /\ SF_vars(l(self))              (step l marked fair: "strong", PlusCal l:+)
 *
 * (several "none" steps: `pc[self] \notin {"m1", "m2"}`; a "strong" step in a fair+ process adds
 * nothing, as in pcal.trans). Properties are definitions over the state predicates: `[]P`, `<>P`,
 * `P ~> Q`, `[]<>P`, `<>[]P`, under `\A x \in S :` and `/\`.
 */
import type { Process, Spec, Temporal } from "../ir.ts";
import { type ExprContext, renderExpr, tlaString } from "./expr.ts";

const fairProcesses = (spec: Spec): Process[] => spec.processes.filter((p) => p.fair === "weak" || p.fair === "strong");

/** `p(self) == l1(self) \/ …` for each fair process set (the action its fairness is about). */
export function processActions(spec: Spec): string[] {
  return fairProcesses(spec).map((p) => `${p.name}(self) == ${p.steps.map((s) => `${s.label}(self)`).join(" \\/ ") || "FALSE"}`);
}

/** The fairness conjunct of one process set, as pcal.trans writes it. */
function processFairness(p: Process): string {
  const xf = p.fair === "strong" ? "SF" : "WF";
  const excluded = p.steps.filter((s) => s.fair === "none").map((s) => s.label);
  const guard =
    excluded.length === 0
      ? ""
      : excluded.length === 1
        ? `(pc[self] # ${tlaString(excluded[0] as string)}) /\\ `
        : `(pc[self] \\notin {${excluded.map(tlaString).join(", ")}}) /\\ `;
  const strong = p.fair === "weak" ? p.steps.filter((s) => s.fair === "strong").map((s) => `SF_vars(${s.label}(self))`) : [];
  return `\\A self \\in ${p.over} : ${[`${xf}_vars(${guard}${p.name}(self))`, ...strong].join(" /\\ ")}`;
}

/** The `Spec` definition: `Init /\ [][Next]_vars`, and the fairness of every fair process set. */
export function specDefinition(spec: Spec): string {
  const fair = fairProcesses(spec);
  if (fair.length === 0) return "Spec == Init /\\ [][Next]_vars";
  return ["Spec == /\\ Init /\\ [][Next]_vars", ...fair.map((p) => `        /\\ ${processFairness(p)}`)].join("\n");
}

/** A property's formula. */
export function renderTemporal(t: Temporal, ctx: ExprContext): string {
  const p = (e: Parameters<typeof renderExpr>[0]) => renderExpr(e, ctx, "atom");
  switch (t.kind) {
    case "always":
      return `[]${p(t.pred)}`;
    case "eventually":
      return `<>${p(t.pred)}`;
    case "alwaysEventually":
      return `[]<>${p(t.pred)}`;
    case "eventuallyAlways":
      return `<>[]${p(t.pred)}`;
    case "leadsTo":
      return `${p(t.from)} ~> ${p(t.to)}`;
    case "forall":
      return `\\A ${t.name} \\in ${renderExpr(t.set, ctx, "set")} : ${t.body.kind === "and" ? `(${renderTemporal(t.body, ctx)})` : renderTemporal(t.body, ctx)}`;
    case "and":
      return t.items.map((i) => (i.kind === "forall" || i.kind === "leadsTo" ? `(${renderTemporal(i, ctx)})` : renderTemporal(i, ctx))).join(" /\\ ");
  }
}
