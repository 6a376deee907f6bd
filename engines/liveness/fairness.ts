/**
 * Fairness on the explored graph: which cycles a fair behaviour can end in.
 *
 * The spec's fairness (PlusCal's): a weakly fair process p has `\A self : WF_vars(p(self))`, where
 * p(self) is the disjunction of its steps but those marked `fair: "none"` (PlusCal `label:-`); a
 * strongly fair one (`fair+`) has SF_vars instead; a step marked `fair: "strong"` (PlusCal `label:+`)
 * of a weakly fair process adds `SF_vars(step(self))`. Each (rule, process) is one constraint over
 * a set of actions. `<<A>>_vars` is a step of A that changes the state, so a transition back to the
 * same state neither enables A nor takes it.
 *
 * A behaviour ends by visiting some set of states I infinitely often; I is strongly connected (with
 * stuttering, one state is enough). It is fair for WF(A) iff an A-transition inside I is taken, or A
 * is disabled in some state of I; for SF(A) iff an A-transition inside I is taken, or A is enabled in
 * no state of I. The maximal such sets are found by the Emerson–Lei refinement (E. A. Emerson and
 * C.-L. Lei, "Modalities for model checking: branching time logic strikes back", Science of Computer
 * Programming 8, 1987; the same test as Lichtenstein and Pnueli's for strong fairness, POPL 1985): a
 * strongly connected component is fair if every constraint holds on it; if a weak one fails, no part of
 * it can be fair (A stays enabled and untaken everywhere in it); if a strong one fails, the states
 * where A is enabled can only be visited finitely often, so they are removed and the rest is split
 * into components again.
 */
import type { Spec } from "../../generator/ir.ts";
import { canonicalString } from "../state-json.ts";
import type { ActionInfo, StateGraph } from "./graph.ts";
import { components, type SccScratch } from "./scc.ts";

/** One fairness rule of the spec: over the given steps of a process set, instantiated per process. */
export interface FairnessRule {
  processSet: string;
  strong: boolean;
  steps: ReadonlySet<string>;
  /** How the spec says it, for messages: `WF_vars(proc(self))`, `SF_vars(wait(self))`. */
  text: string;
}

/** The fairness rules of a spec (with its variant applied), as pcal.trans derives them. */
export function fairnessRules(spec: Pick<Spec, "processes">): FairnessRule[] {
  const rules: FairnessRule[] = [];
  for (const p of spec.processes) {
    if (!p.fair || p.fair === "none") continue;
    const covered = p.steps.filter((s) => s.fair !== "none").map((s) => s.label);
    rules.push({ processSet: p.name, strong: p.fair === "strong", steps: new Set(covered), text: `${p.fair === "strong" ? "SF" : "WF"}_vars(${p.name}(self))` });
    if (p.fair === "weak")
      for (const s of p.steps) if (s.fair === "strong") rules.push({ processSet: p.name, strong: true, steps: new Set([s.label]), text: `SF_vars(${s.label}(self))` });
  }
  return rules;
}

/** The rules instantiated on the graph's actions: one constraint per rule and process that has actions. */
export interface Constraints {
  count: number;
  strong: Uint8Array;
  /** What each is, for messages and tests. */
  describe: string[];
  /** Per action code, the constraints it belongs to (CSR). */
  ofActionStart: Int32Array;
  ofAction: Int32Array;
}

export function constraintsOn(actions: readonly ActionInfo[], rules: readonly FairnessRule[]): Constraints {
  const ids = new Map<string, number>();
  const strong: number[] = [];
  const describe: string[] = [];
  const lists: number[][] = actions.map(() => []);
  actions.forEach((a, code) => {
    rules.forEach((r, i) => {
      if (r.processSet !== a.processSet || !r.steps.has(a.step)) return;
      const key = `${i} ${canonicalString(a.self)}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = strong.length;
        ids.set(key, id);
        strong.push(r.strong ? 1 : 0);
        describe.push(`${r.text.replace("(self)", "")} for ${a.processSet} ${canonicalString(a.self)}`);
      }
      lists[code]?.push(id);
    });
  });
  const ofActionStart = new Int32Array(actions.length + 1);
  lists.forEach((l, i) => (ofActionStart[i + 1] = (ofActionStart[i] as number) + l.length));
  return { count: strong.length, strong: Uint8Array.from(strong), describe, ofActionStart, ofAction: Int32Array.from(lists.flat()) };
}

/** A fair set of states: strongly connected, with what a loop through it must include to be fair. */
export interface FairComponent {
  states: Int32Array;
  /** Edges a fair loop takes (one per constraint satisfied by taking it). */
  edges: number[];
  /** States a fair loop visits (one per weak constraint satisfied by being disabled there). */
  visits: number[];
}

/** Working memory for the refinement, sized by the graph once. */
export class FairnessScratch {
  readonly inside: Int32Array;
  private tag = 0;
  readonly enabledAt: Int32Array;
  readonly enabledAnywhere: Uint8Array;
  readonly takenEdge: Int32Array;
  readonly disabledState: Int32Array;
  /** Called once per component looked at: throws to stop a check that has run out of time. */
  tick: () => void = () => {};

  constructor(
    size: number,
    count: number,
    readonly scc: SccScratch,
  ) {
    this.inside = new Int32Array(size);
    this.enabledAt = new Int32Array(count).fill(-1);
    this.enabledAnywhere = new Uint8Array(count);
    this.takenEdge = new Int32Array(count);
    this.disabledState = new Int32Array(count);
  }

  /** A fresh tag: the states given it form the part looked at next. */
  mark(states: ArrayLike<number>): number {
    const tag = ++this.tag;
    for (let i = 0; i < states.length; i++) this.inside[states[i] as number] = tag;
    return tag;
  }
}

/**
 * The maximal fair components among `states` (which `scratch.inside` marks with `tag`): for each, the
 * edges and states a fair loop through it must take and visit. `accept` may reject a component (and
 * its parts) before fairness is looked at, e.g. one with no state where a predicate fails.
 */
export function fairComponents(g: StateGraph, c: Constraints, states: ArrayLike<number>, tag: number, scratch: FairnessScratch, accept: (comp: Int32Array) => boolean = () => true): FairComponent[] {
  const out: FairComponent[] = [];
  const work = components(g, states, scratch.inside, tag, scratch.scc);
  while (work.length > 0) {
    scratch.tick();
    const comp = work.pop() as Int32Array;
    if (!accept(comp)) continue;
    const ctag = scratch.mark(comp);
    const verdict = judge(g, c, comp, ctag, scratch);
    if (verdict === "unfair") continue;
    if (Array.isArray(verdict)) {
      // Strong constraints enabled here but never taken: their states can only be passed through.
      const bad = new Uint8Array(c.count);
      for (const k of verdict) bad[k] = 1;
      const rest = Array.from(comp).filter((s) => !enabledIn(g, c, s, bad));
      if (rest.length === 0) continue;
      work.push(...components(g, rest, scratch.inside, scratch.mark(rest), scratch.scc));
      continue;
    }
    out.push({ states: comp, ...verdict });
  }
  return out;
}

/** Whether one of the marked constraints is enabled in state s (a transition of it to another state). */
function enabledIn(g: StateGraph, c: Constraints, s: number, marked: Uint8Array): boolean {
  for (let e = g.start[s] as number; e < (g.start[s + 1] as number); e++) {
    if (g.target[e] === s) continue;
    const a = g.action[e] as number;
    for (let j = c.ofActionStart[a] as number; j < (c.ofActionStart[a + 1] as number); j++) if (marked[c.ofAction[j] as number]) return true;
  }
  return false;
}

/**
 * A component's fairness: "unfair" (a weak constraint fails), the strong constraints that fail (to
 * refine by), or the witnesses of a fair loop through it.
 */
function judge(g: StateGraph, c: Constraints, comp: Int32Array, ctag: number, scratch: FairnessScratch): "unfair" | number[] | { edges: number[]; visits: number[] } {
  const { inside, enabledAt, enabledAnywhere, takenEdge, disabledState } = scratch;
  enabledAnywhere.fill(0);
  takenEdge.fill(-1);
  disabledState.fill(-1);
  enabledAt.fill(-1);
  for (const s of comp) {
    for (let e = g.start[s] as number; e < (g.start[s + 1] as number); e++) {
      const t = g.target[e] as number;
      if (t === s) continue;
      const a = g.action[e] as number;
      for (let j = c.ofActionStart[a] as number; j < (c.ofActionStart[a + 1] as number); j++) {
        const k = c.ofAction[j] as number;
        enabledAt[k] = s;
        enabledAnywhere[k] = 1;
        if (inside[t] === ctag && takenEdge[k] === -1) takenEdge[k] = e;
      }
    }
    for (let k = 0; k < c.count; k++) if (enabledAt[k] !== s && disabledState[k] === -1) disabledState[k] = s;
  }
  const failing: number[] = [];
  const edges: number[] = [];
  const visits: number[] = [];
  for (let k = 0; k < c.count; k++) {
    if (takenEdge[k] !== -1) edges.push(takenEdge[k] as number);
    else if (c.strong[k]) {
      if (enabledAnywhere[k]) failing.push(k);
    } else if (disabledState[k] !== -1) visits.push(disabledState[k] as number);
    else return "unfair";
  }
  if (failing.length > 0) return failing;
  return { edges: [...new Set(edges)], visits: [...new Set(visits)] };
}
