/**
 * Checking a temporal property of state predicates p, q on the explored graph, under the spec's
 * fairness, and the lasso-shaped counterexample when it fails.
 *
 * These forms need no general LTL tableau: each violation is a fair cycle in a part of the graph,
 * which fairness.ts finds (fair components under WF/SF):
 * - `[]p`: a reachable state where p is false (TLC checks it as an invariant; the counterexample is
 *   the path to it, no loop);
 * - `<>p`: a fair behaviour from an initial state on which p is never true: a fair component of
 *   the ¬p states reachable through ¬p states only;
 * - `p ~> q`: a reachable p ∧ ¬q state from which a fair behaviour stays in ¬q for ever: a fair
 *   component of the ¬q states that the state reaches through ¬q states;
 * - `[]<>p` (`TRUE ~> p`): a reachable fair component inside ¬p;
 * - `<>[]p`: a reachable fair component that contains a ¬p state (the behaviour returns to it for ever).
 * The lasso's prefix is a shortest path (breadth-first) to where the violation starts, then to the
 * nearest fair component; its loop starts where the prefix enters the component and goes through
 * every transition and state fairness needs (fairness.ts) before it comes back. A loop that needs
 * nothing is the state repeated by stuttering (TLC's "Stuttering").
 */
import { type Constraints, type FairComponent, fairComponents, FairnessScratch } from "./fairness.ts";
import { reverseEdges, type ReverseEdges, type StateGraph } from "./graph.ts";
import { sccScratch } from "./scc.ts";

export type TemporalForm = "always" | "eventually" | "leadsTo" | "alwaysEventually" | "eventuallyAlways";

/** What one instance of a property asks, by the indices of its predicates in `StateGraph.predicates`. */
export interface FormCheck {
  form: TemporalForm;
  p: number;
  /** leadsTo's q. */
  q?: number;
}

/**
 * A counterexample as a path of the graph: `states[0]` is initial, `edges[i]` leads from `states[i]`
 * to `states[i + 1]`; with `loopStart`, the behaviour then goes back from the last state to
 * `states[loopStart]` by `closing` (or stays in the last state for ever when `closing` is -1, with
 * `loopStart` the last index: stuttering).
 */
export interface GraphLasso {
  states: number[];
  edges: number[];
  loopStart?: number;
  closing?: number;
}

/** Reused across the instances checked on one graph. */
export class LivenessContext {
  readonly scratch: FairnessScratch;
  private reverse: ReverseEdges | undefined;
  private readonly queue: Int32Array;
  private readonly from: Int32Array;
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(
    readonly g: StateGraph,
    readonly c: Constraints,
  ) {
    this.scratch = new FairnessScratch(g.size, c.count, sccScratch(g.size));
    this.queue = new Int32Array(g.size);
    this.from = new Int32Array(g.size);
    this.seen = new Int32Array(g.size);
  }

  get reversed(): ReverseEdges {
    this.reverse ??= reverseEdges(this.g);
    return this.reverse;
  }

  /**
   * A shortest path (breadth first, edges in their order) from one of `sources` to a state where
   * `goal` holds, through states where `allowed` holds (sources included); null when there is none.
   */
  path(sources: ArrayLike<number>, goal: (s: number) => boolean, allowed: (s: number) => boolean): { states: number[]; edges: number[] } | null {
    const { g, queue, from, seen } = this;
    const mark = ++this.stamp;
    let head = 0;
    let tail = 0;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i] as number;
      if (seen[s] === mark || !allowed(s)) continue;
      seen[s] = mark;
      from[s] = -1;
      queue[tail++] = s;
    }
    while (head < tail) {
      const s = queue[head++] as number;
      if (goal(s)) {
        const states = [s];
        const edges: number[] = [];
        for (let e = from[s] as number; e !== -1; e = from[states[0] as number] as number) {
          edges.unshift(e);
          states.unshift(this.sourceOf(e));
        }
        return { states, edges };
      }
      for (let e = g.start[s] as number; e < (g.start[s + 1] as number); e++) {
        const t = g.target[e] as number;
        if (seen[t] === mark || !allowed(t)) continue;
        seen[t] = mark;
        from[t] = e;
        queue[tail++] = t;
      }
    }
    return null;
  }

  /** The states that reach a state of `targets` through states where `allowed` holds (targets included). */
  reaching(targets: Iterable<number>, allowed: (s: number) => boolean): Uint8Array {
    const { start, edges, source } = this.reversed;
    const out = new Uint8Array(this.g.size);
    const queue = this.queue;
    let tail = 0;
    for (const t of targets)
      if (!out[t]) {
        out[t] = 1;
        queue[tail++] = t;
      }
    for (let head = 0; head < tail; head++) {
      const s = queue[head] as number;
      for (let j = start[s] as number; j < (start[s + 1] as number); j++) {
        const u = source[edges[j] as number] as number;
        if (out[u] || !allowed(u)) continue;
        out[u] = 1;
        queue[tail++] = u;
      }
    }
    return out;
  }

  sourceOf(e: number): number {
    // Binary search in the CSR offsets (paths are short; no per-edge source array needed here).
    const { start } = this.g;
    let lo = 0;
    let hi = this.g.size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((start[mid] as number) <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The breadth-first tree's path from an initial state to `s`: a shortest one. */
  treePath(s: number): { states: number[]; edges: number[] } {
    const states = [s];
    const edges: number[] = [];
    for (let x = s; this.g.parentOf(x) !== -1; ) {
      const parent = this.g.parentOf(x);
      edges.unshift((this.g.start[parent] as number) + this.g.viaOf(x));
      states.unshift(parent);
      x = parent;
    }
    return { states, edges };
  }

  /** The fair components among the states where `member` holds. */
  fair(member: (s: number) => boolean, accept?: (comp: Int32Array) => boolean): FairComponent[] {
    const states: number[] = [];
    for (let s = 0; s < this.g.size; s++) if (member(s)) states.push(s);
    return fairComponents(this.g, this.c, states, this.scratch.mark(states), this.scratch, accept);
  }
}

/** The violation of one form on the graph, as a lasso (null: the property holds). */
export function findViolation(ctx: LivenessContext, f: FormCheck): GraphLasso | null {
  const { g } = ctx;
  const P = g.predicates[f.p] as Uint8Array;
  switch (f.form) {
    case "always": {
      for (let s = 0; s < g.size; s++) if (!P[s]) return ctx.treePath(s);
      return null;
    }
    case "eventually": {
      // The ¬p states reachable from an initial state through ¬p states.
      const reach = new Uint8Array(g.size);
      const notP = (s: number) => !P[s];
      const initial = Array.from(g.initial).filter(notP);
      ctx.path(initial, (s) => ((reach[s] = 1), false), notP);
      const comps = ctx.fair((s) => reach[s] === 1);
      if (comps.length === 0) return null;
      return lassoInto(ctx, initial, comps, (s) => reach[s] === 1);
    }
    case "leadsTo":
    case "alwaysEventually": {
      const Q = f.form === "leadsTo" ? (g.predicates[f.q ?? -1] as Uint8Array) : P;
      const trigger = f.form === "leadsTo" ? P : undefined;
      const notQ = (s: number) => !Q[s];
      const comps = ctx.fair(notQ);
      if (comps.length === 0) return null;
      const inFair = new Uint8Array(g.size);
      for (const comp of comps) for (const s of comp.states) inFair[s] = 1;
      const B = ctx.reaching(comps.flatMap((comp) => Array.from(comp.states)), notQ);
      let s = 0;
      for (; s < g.size; s++) if (B[s] && (!trigger || trigger[s])) break;
      if (s === g.size) return null;
      const head = ctx.treePath(s);
      const tail = lassoInto(ctx, [s], comps, notQ);
      if (!tail) throw new Error("liveness: a state that reaches a fair component does not reach it");
      return join(head, tail);
    }
    case "eventuallyAlways": {
      const comps = ctx.fair(
        () => true,
        (comp) => comp.some((s) => !P[s]),
      );
      if (comps.length === 0) return null;
      const initial = Array.from(g.initial);
      return lassoInto(ctx, initial, comps, () => true, (s) => !P[s]);
    }
  }
}

/**
 * A lasso from one of `sources` into the nearest of the fair components `comps` (through states
 * where `allowed` holds), looping there through what fairness needs, and a state where `visit`
 * holds if one is given.
 */
function lassoInto(ctx: LivenessContext, sources: number[], comps: FairComponent[], allowed: (s: number) => boolean, visit?: (s: number) => boolean): GraphLasso | null {
  const owner = new Int32Array(ctx.g.size).fill(-1);
  comps.forEach((comp, i) => {
    for (const s of comp.states) owner[s] = i;
  });
  const prefix = ctx.path(sources, (s) => owner[s] !== -1, allowed);
  if (!prefix) return null;
  const entry = prefix.states[prefix.states.length - 1] as number;
  const comp = comps[owner[entry] as number] as FairComponent;
  const inComp = (s: number) => owner[s] === owner[entry];
  const loopStates: number[] = [];
  const loopEdges: number[] = [];
  let at = entry;
  const goTo = (goal: (s: number) => boolean) => {
    const p = ctx.path([at], goal, inComp);
    if (!p) throw new Error("liveness: a fair component is not strongly connected");
    loopStates.push(...p.states.slice(1));
    loopEdges.push(...p.edges);
    at = p.states[p.states.length - 1] as number;
  };
  for (const e of comp.edges) {
    const u = ctx.sourceOf(e);
    goTo((s) => s === u);
    loopEdges.push(e);
    at = ctx.g.target[e] as number;
    loopStates.push(at);
  }
  for (const v of comp.visits) goTo((s) => s === v);
  if (visit && !loopStates.some(visit) && !visit(entry)) goTo(visit);
  const loopStart = prefix.states.length - 1;
  if (loopEdges.length === 0) return { ...prefix, loopStart, closing: -1 };
  if (at !== entry) goTo((s) => s === entry);
  // The loop came back to the entry: that last transition closes it.
  const closing = loopEdges.pop() as number;
  loopStates.pop();
  return { states: [...prefix.states, ...loopStates], edges: [...prefix.edges, ...loopEdges], loopStart, closing };
}

function join(head: { states: number[]; edges: number[] }, tail: GraphLasso): GraphLasso {
  const shift = head.states.length - 1;
  return {
    states: [...head.states, ...tail.states.slice(1)],
    edges: [...head.edges, ...tail.edges],
    ...(tail.loopStart !== undefined ? { loopStart: tail.loopStart + shift, closing: tail.closing } : {}),
  };
}
