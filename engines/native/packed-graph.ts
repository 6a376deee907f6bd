/**
 * The compiled explorer's search, recording the state graph for liveness (engines/liveness/): the
 * same breadth-first search as packed-search.ts, on one thread, that also keeps every transition
 * (its target's number and the action that took it) and the value of every property predicate in
 * every state. The safety-only search does none of this: only a check with properties uses it.
 *
 * A transition's target needs its number even when the state was found before, so fingerprints map
 * to state numbers here (an open-addressing table of fingerprint halves and numbers), in place of
 * the plain fingerprint set.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { GraphRecorder, type StateGraph } from "../liveness/graph.ts";
import { EngineError } from "../result.ts";
import { crashError, isCrash, transitionOf } from "./packed-model.ts";
import { type PackedOptions, type PackedResult, Search } from "./packed-search.ts";

/** Fingerprint → state number: open addressing over (hi, lo, number + 1) triples. */
class NumberTable {
  private slots = new Int32Array(3 << 16);
  private mask = (1 << 16) - 1;
  size = 0;

  /** The number of a fingerprint, or -1. */
  find(hi: number, lo: number): number {
    const slots = this.slots;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      const n = slots[3 * i + 2] as number;
      if (n === 0) return -1;
      if (slots[3 * i] === hi && slots[3 * i + 1] === lo) return n - 1;
    }
  }

  /** Adds a fingerprint that is not there. */
  add(hi: number, lo: number, id: number): void {
    const slots = this.slots;
    let i = hi & this.mask;
    while (slots[3 * i + 2] !== 0) i = (i + 1) & this.mask;
    slots[3 * i] = hi;
    slots[3 * i + 1] = lo;
    slots[3 * i + 2] = id + 1;
    if (++this.size * 10 > (this.mask + 1) * 7) this.grow();
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(3 * cap);
    this.mask = cap - 1;
    for (let j = 0; j < old.length; j += 3) {
      const n = old[j + 2] as number;
      if (n === 0) continue;
      let i = (old[j] as number) & this.mask;
      while (this.slots[3 * i + 2] !== 0) i = (i + 1) & this.mask;
      this.slots[3 * i] = old[j] as number;
      this.slots[3 * i + 1] = old[j + 1] as number;
      this.slots[3 * i + 2] = n;
    }
  }
}

export interface GraphResult {
  result: PackedResult;
  /** The explored graph (when the search went to the end without a violation). */
  graph?: StateGraph;
}

class GraphSearch extends Search {
  readonly numbers = new NumberTable();
  readonly recorder: GraphRecorder;
  /** Per emission site, its step index; per action key, the code (site's step × process). */
  private readonly stepOfSite: Int32Array;

  constructor(program: PackedProgram, opts: PackedOptions) {
    super(program, opts);
    this.recorder = new GraphRecorder(program.predicates);
    this.stepOfSite = Int32Array.from(program.emits.map((e) => e.step));
    this.expander.recordActions();
  }

  override start(): PackedResult | null {
    const r = super.start();
    if (r) return r;
    // The initial state is number 0; its fingerprint is the first in the base table.
    const x = this.expander;
    const first = x.initial();
    if (!first) throw new EngineError("crash", "the initial state cannot be packed");
    this.numbers.add(first.fp[0], first.fp[1], 0);
    return null;
  }

  override flush(): void {
    const x = this.expander;
    const n = x.size;
    x.size = 0;
    if (this.event) return;
    const W = this.program.layout.words;
    const fps = x.fps;
    const rec = this.recorder;
    const found = this.coverage?.found;
    for (let i = 0; i < n; i++) {
      const hi = fps[2 * i] as number;
      const lo = fps[2 * i + 1] as number;
      let id = this.numbers.find(hi, lo);
      if (id < 0) {
        id = this.parents.length;
        if (!this.admit(x.words, i * W, x.parents[i] as number, x.vias[i] as number)) {
          x.halted = true;
          return;
        }
        this.numbers.add(hi, lo, id);
        if (found) found[x.sites[i] as number]++;
      }
      const site = x.sites[i] as number;
      const self = x.selves[i] as number;
      rec.edge(id, rec.actionCode(`${this.stepOfSite[site]} ${self}`, () => this.actionInfo(site, self)));
    }
  }

  private actionInfo(site: number, self: number) {
    const t = transitionOf(this.program, site, self, this.expander.mod.P);
    return { processSet: t.processSet, step: t.step, self: t.self };
  }

  /** The state's out-degree and predicate values (the expander's source still holds it: successors undo their writes). */
  protected override record(id: number, degree: number): void {
    this.recorder.expanded(id, degree);
    const preds = this.expander.mod.predicates;
    const source = this.expander.source;
    for (let k = 0; k < preds.length; k++) this.recorder.predicateValues[k]?.set(id, (preds[k] as (s: Int32Array) => boolean)(source));
  }

  graph(): StateGraph {
    return this.recorder.finish(
      this.parents.length,
      [0],
      (i) => this.parents.get(i),
      (i) => this.vias.get(i),
    );
  }
}

/**
 * The compiled explorer's breadth-first search with the state graph recorded (invariants and deadlock
 * checked as in the plain search); the graph comes back when the search ended without a violation.
 */
export function explorePackedGraph(program: PackedProgram, opts: PackedOptions): GraphResult {
  const search = new GraphSearch(program, opts);
  try {
    const first = search.start();
    if (first) return { result: first };
    while (search.beginLevel()) {
      const r = search.expandLevel();
      if (r) return { result: r };
      search.endLevel();
    }
    return { result: search.finish(), graph: search.graph() };
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  }
}
