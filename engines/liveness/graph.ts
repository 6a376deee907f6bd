/**
 * The state graph an exhaustive search explored, kept for liveness checking: every state (numbered
 * in the order the breadth-first search found it), every transition with the action that took it,
 * and the values of the properties' state predicates in each state.
 *
 * Edges are stored compressed by source (CSR): the explorers expand states in number order and emit
 * each state's successors in the reference library's order, so the edges of state s are
 * `start[s] … start[s + 1] - 1` and edge `start[s] + k` is the k-th successor of s (its "via", the
 * index a trace is replayed by). Only typed arrays: about 8 bytes per transition and 4 per state,
 * plus one byte per state and predicate.
 */
import type { Json } from "../result.ts";

/** What took a transition: a step of a process (the identity of a fairness action). */
export interface ActionInfo {
  processSet: string;
  step: string;
  /** The process that took it. */
  self: Json;
}

export interface StateGraph {
  /** The number of states. */
  size: number;
  /** The initial states. */
  initial: Int32Array;
  /** Edge offsets by source state (`size + 1` entries). */
  start: Int32Array;
  target: Int32Array;
  /** The action of each edge, an index into `actions`. */
  action: Int32Array;
  actions: ActionInfo[];
  /** The breadth-first tree: each state's parent (-1 for an initial state) and the via it was found by (for an initial state, its index among the initial states). */
  parentOf(id: number): number;
  viaOf(id: number): number;
  /** Per predicate (see PropertyInstance), its value in each state (1 true, 0 false). */
  predicates: Uint8Array[];
}

/** A growable Int32Array. */
export class Ints {
  length = 0;
  data: Int32Array;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  /** The values pushed, in an array of their own size. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** A growable Uint8Array (one predicate's values, state by state). */
export class Bytes {
  length = 0;
  data = new Uint8Array(1024);

  set(i: number, v: boolean): void {
    while (i >= this.data.length) {
      const bigger = new Uint8Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[i] = v ? 1 : 0;
    if (i >= this.length) this.length = i + 1;
  }

  toArray(size: number): Uint8Array {
    return this.data.slice(0, size);
  }
}

/**
 * Collects the graph while an explorer runs: the edges in emission order, each state's out-degree as
 * it is expanded, the actions by (step, process) as they appear, and the predicate values.
 */
export class GraphRecorder {
  readonly targets = new Ints(1 << 16);
  readonly edgeActions = new Ints(1 << 16);
  readonly degrees = new Ints(1 << 14);
  readonly actions: ActionInfo[] = [];
  readonly predicateValues: Bytes[];
  private readonly codes = new Map<string, number>();

  constructor(predicates: number) {
    this.predicateValues = Array.from({ length: predicates }, () => new Bytes());
  }

  /** The code of an action, registered the first time it is met; `key` identifies it (e.g. step index and process). */
  actionCode(key: string, info: () => ActionInfo): number {
    let code = this.codes.get(key);
    if (code === undefined) {
      code = this.actions.length;
      this.actions.push(info());
      this.codes.set(key, code);
    }
    return code;
  }

  edge(target: number, action: number): void {
    this.targets.push(target);
    this.edgeActions.push(action);
  }

  /** State `id` was expanded with `degree` successors (states are expanded in number order). */
  expanded(id: number, degree: number): void {
    if (id !== this.degrees.length) throw new Error(`states expanded out of order (${id} after ${this.degrees.length - 1})`);
    this.degrees.push(degree);
  }

  finish(size: number, initial: number[], parentOf: (id: number) => number, viaOf: (id: number) => number): StateGraph {
    if (this.degrees.length !== size) throw new Error(`the graph has ${size} states but ${this.degrees.length} were expanded`);
    const start = new Int32Array(size + 1);
    for (let s = 0; s < size; s++) start[s + 1] = (start[s] as number) + (this.degrees.data[s] as number);
    if (start[size] !== this.targets.length) throw new Error(`the graph has ${this.targets.length} edges but the states' degrees add up to ${start[size]}`);
    return {
      size,
      initial: Int32Array.from(initial),
      start,
      target: this.targets.toArray(),
      action: this.edgeActions.toArray(),
      actions: this.actions,
      parentOf,
      viaOf,
      predicates: this.predicateValues.map((p) => p.toArray(size)),
    };
  }
}

/** The edges into each state (the reverse CSR), for backward searches. */
export interface ReverseEdges {
  start: Int32Array;
  /** Edge indices of the forward graph, grouped by target. */
  edges: Int32Array;
  /** The source of each forward edge. */
  source: Int32Array;
}

export function reverseEdges(g: StateGraph): ReverseEdges {
  const m = g.target.length;
  const source = new Int32Array(m);
  for (let s = 0; s < g.size; s++) for (let e = g.start[s] as number; e < (g.start[s + 1] as number); e++) source[e] = s;
  const start = new Int32Array(g.size + 1);
  for (let e = 0; e < m; e++) start[(g.target[e] as number) + 1]++;
  for (let s = 0; s < g.size; s++) start[s + 1] += start[s] as number;
  const fill = start.slice(0, g.size);
  const edges = new Int32Array(m);
  for (let e = 0; e < m; e++) edges[fill[g.target[e] as number]++] = e;
  return { start, edges, source };
}
