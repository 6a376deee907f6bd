/**
 * A lasso-shaped counterexample checked on the reference library, whichever engine found it: its
 * steps replay there (explain.ts, the step back to the loop's first state included), the loop is
 * fair under the spec's fairness, and the behaviour it stands for (the prefix, then the loop for
 * ever) breaks the property. A TLA+ engine and the generated TypeScript that disagree on any of
 * this disagree on the model: the check stops and says so, never reports the engine's verdict.
 *
 * On an ultimately periodic behaviour (prefix, then loop for ever) the forms are decided by the
 * states on it: `[]p` fails iff p is false somewhere; `<>p` iff p is false everywhere; `p ~> q` iff
 * p holds at a position after which q never holds (q nowhere in the loop, and p after the last q of
 * the prefix); `[]<>p` iff p is false throughout the loop; `<>[]p` iff p is false somewhere in it.
 */
import type { Spec } from "../../generator/ir.ts";
import type { ConstantValues, ReferenceModel } from "../model.ts";
import { EngineError, type TraceStep } from "../result.ts";
import { canonicalString } from "../state-json.ts";
import { fairnessRules } from "./fairness.ts";
import { instanceName, type PropertyPlan, type PropertyInstance } from "./instances.ts";
import type { TemporalForm } from "./search.ts";

export interface LassoTrace {
  /** The states, initial first; with a loop that is not stuttering, the last step leads back to `trace[loopStart]`. */
  trace: TraceStep[];
  /** Where the loop starts; undefined for a finite counterexample (of `[]p`). */
  loopStart?: number;
  stuttering: boolean;
}

/** Whether a behaviour breaks one form, given each position's p and q (positions from loopStart on repeat). */
export function breaks(form: TemporalForm, p: boolean[], q: boolean[], loopStart: number | undefined): boolean {
  const n = p.length;
  const loop = loopStart === undefined ? [] : Array.from({ length: n - loopStart }, (_, i) => loopStart + i);
  switch (form) {
    case "always":
      return p.some((x) => !x);
    case "eventually":
      return loopStart !== undefined && p.every((x) => !x);
    case "alwaysEventually":
      return loopStart !== undefined && loop.every((i) => !p[i]);
    case "eventuallyAlways":
      return loopStart !== undefined && loop.some((i) => !p[i]);
    case "leadsTo": {
      if (loopStart === undefined || loop.some((i) => q[i])) return false;
      const lastQ = q.lastIndexOf(true);
      return p.some((x, i) => x && i > lastQ);
    }
  }
}

/**
 * The instance of `property` (one of the plan's) that the lasso breaks, after checking that the
 * lasso is a fair behaviour of the model; throws when the reference library disagrees.
 */
export function confirmLasso<S>(lasso: LassoTrace, property: string | undefined, plan: PropertyPlan, model: ReferenceModel<S>, constants: ConstantValues, spec: Spec, variant: string | null): PropertyInstance {
  const { trace, loopStart } = lasso;
  const disagree = (what: string) => new EngineError("crash", `the reference library disagrees with the counterexample: ${what} (run raidspec conform)`);
  let states = trace.map((t) => model.fromJson(t.state, constants));
  if (loopStart !== undefined && !lasso.stuttering) {
    const back = trace[trace.length - 1];
    if (!back || canonicalString(back.state) !== canonicalString(trace[loopStart]?.state ?? {})) throw disagree(`its last step does not lead back to state ${loopStart}`);
    states = states.slice(0, -1);
  }
  if (loopStart !== undefined) checkFair(lasso, states, model, constants, spec, variant, disagree);
  const candidates = plan.instances.filter((i) => property === undefined || i.property === property);
  for (const inst of candidates) {
    const leaf = model.properties?.find((p) => p.name === inst.property)?.leaves[inst.leaf];
    if (!leaf) throw new EngineError("crash", `the reference library has no property ${inst.property} (regenerate it: npm run gen)`);
    const args = inst.bound.map((b) => b.value);
    const p = states.map((s) => leaf.p(s, constants, args));
    const q = states.map((s) => (leaf.q ? leaf.q(s, constants, args) : false));
    if (breaks(inst.form as TemporalForm, p, q, loopStart)) return inst;
  }
  throw disagree(`the behaviour it stands for satisfies ${property ?? "every checked property"}${candidates.length ? ` (${candidates.map(instanceName).join(", ")})` : ""}`);
}

/** Every fairness constraint holds on the loop: taken in it, or (weak) disabled in one of its states, or (strong) enabled in none. */
function checkFair<S>(lasso: LassoTrace, states: S[], model: ReferenceModel<S>, constants: ConstantValues, spec: Spec, variant: string | null, disagree: (what: string) => Error): void {
  const v = model.variants.find((x) => x.name === variant);
  if (!v) throw new EngineError("crash", `the reference library has no variant ${variant ?? "(base)"}`);
  const loopStart = lasso.loopStart ?? 0;
  const loopStates = states.slice(loopStart);
  // The loop's steps: those into loopStart + 1 … and, unless stuttering, the step back.
  const loopSteps = lasso.trace.slice(loopStart + 1);
  const json = (s: S) => canonicalString(model.toJson(s, constants));
  const ids = loopStates.map((s) => v.successors(s, constants).map((t) => ({ t, changes: json(t.next) !== json(s) })));
  for (const rule of fairnessRules(spec)) {
    const selves = new Map<string, unknown>();
    for (const succ of ids) for (const { t } of succ) if (t.processSet === rule.processSet && rule.steps.has(t.step)) selves.set(canonicalString(t.self), t.self);
    for (const [key] of selves) {
      const matches = (step: string, processSet: string | undefined, self: unknown) => processSet === rule.processSet && rule.steps.has(step) && canonicalString(self as never) === key;
      const taken = loopSteps.some((s, i) => matches(s.step, s.processSet, s.process) && canonicalString(lasso.trace[loopStart + i]?.state ?? {}) !== canonicalString(s.state));
      if (taken) continue;
      const enabledAt = ids.map((succ) => succ.some(({ t, changes }) => changes && matches(t.step, t.processSet, t.self)));
      const fair = rule.strong ? enabledAt.every((e) => !e) : enabledAt.some((e) => !e);
      if (!fair) throw disagree(`its loop is not fair: ${rule.text.replace("(self)", "")} for process ${key} is ${rule.strong ? "enabled in it" : "enabled throughout it"} and never taken`);
    }
  }
}
