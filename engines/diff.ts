/**
 * What one variant of a spec can do that another cannot: `raidspec diff <spec> --from A --to B`.
 *
 * Both variants are explored whole (breadth first, over the generated reference library, in one
 * configuration), and their states are compared after projecting them onto the state both share:
 * every key (variable, local, pc) except those only one of the two variants ever writes (say, a flag
 * a patch introduces: it never changes on the other side, so comparing it would set every state of one
 * side apart). Program counters are compared by label.
 *
 * The report: the projected states and transitions (pairs of projected states) only one side has; for
 * each side, the shortest trace the other cannot follow (a path of the one variant whose projection no
 * path of the other has, ending at the first step where they part); and per invariant the verdict on
 * each side, with, where a side violates it, whether its shortest counterexample ends in a state the
 * other side cannot reach at all.
 */
import type { Spec, Stmt } from "../generator/ir.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { explainTrace, type RawTraceStep } from "./explain.ts";
import type { ConstantValues, ReferenceModel, Transition } from "./model.ts";
import { EngineError, type TraceState, type TraceStep } from "./result.ts";

export interface DiffRequest<S> {
  spec: Spec;
  model: ReferenceModel<S>;
  config: string;
  constants: ConstantValues;
  /** Variant names as the spec knows them (null: the base steps). */
  from: string | null;
  to: string | null;
  /** Stop with an error once a side has more states than this (default 1,000,000: the diff keeps every state of both sides). */
  maxStates?: number;
}

export interface DiffSide {
  variant: string | null;
  /** Distinct states, and distinct transitions (full states, as the engines count them). */
  distinctStates: number;
  transitions: number;
}

export interface DivergingTrace {
  /** The trace, initial state first; its last step is the first the other variant cannot follow. */
  trace: TraceStep[];
  /** What the other side could do instead at that point: the steps it had enabled there (labels). */
  otherEnabled: string[];
}

export interface InvariantSide {
  verdict: "ok" | "violation";
  /** The shortest counterexample's length (steps). */
  traceLength?: number;
  /** Whether the counterexample's last state (projected) is reachable on the other side at all. */
  lastStateOnOtherSide?: boolean;
  trace?: TraceStep[];
}

export interface DiffResult {
  spec: string;
  config: string;
  from: DiffSide;
  to: DiffSide;
  /** The keys the comparison uses, and those left out with the side that writes them. */
  projection: { compared: string[]; dropped: { key: string; writtenBy: "from" | "to" }[] };
  /** Projected states: in both, only in from, only in to. */
  states: { both: number; onlyFrom: number; onlyTo: number };
  /** Projected transitions (pairs of different projected states). */
  transitions: { both: number; onlyFrom: number; onlyTo: number };
  /** The shortest trace of each side the other cannot follow (absent when it follows every one). */
  divergence: { from?: DivergingTrace; to?: DivergingTrace };
  invariants: { name: string; from: InvariantSide; to: InvariantSide }[];
}

/** One side explored: full states, their projections, the graph, and each invariant's first violation. */
interface Explored<S> {
  variant: string | null;
  states: S[];
  /** The canonical JSON of a state (made again when a trace needs it: keeping every state's would cost more memory than the states). */
  json: (id: number) => TraceState;
  /** Projected states as numbers (both sides number them through one table). */
  proj: number[];
  parent: number[];
  succ: number[][];
  succStep: string[][];
  initial: number[];
  projStates: Set<number>;
  projEdges: Set<number>;
  transitions: number;
  firstViolation: Map<string, number>;
}

/** The state keys (variables, locals) a spec's steps assign, pc aside. */
function writtenKeys(spec: Spec): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else if (x && typeof x === "object") {
      const s = x as Stmt;
      if (s.kind === "assign") out.add(s.target.name);
      for (const v of Object.values(x)) if (Array.isArray(v) || (v && typeof v === "object" && "kind" in v)) walk(v);
    }
  };
  for (const p of spec.processes) for (const step of p.steps) walk(step.body);
  return out;
}

/** A pair of numbers below 2^26 as one number (a key for sets of pairs). */
const pair = (x: number, y: number): number => x * 67_108_864 + y;

function explore<S>(model: ReferenceModel<S>, variant: string | null, constants: ConstantValues, project: (j: TraceState) => number, maxStates: number): Explored<S> {
  const v = model.variants.find((x) => x.name === variant);
  if (!v) throw new EngineError("usage", `The reference library has no variant ${variant ?? "(base)"}.`, "Regenerate it (npm run gen).");
  const e: Explored<S> = { variant, states: [], json: (id) => model.toJson(e.states[id] as S, constants), proj: [], parent: [], succ: [], succStep: [], initial: [], projStates: new Set(), projEdges: new Set(), transitions: 0, firstViolation: new Map() };
  const index = new Map<string, number>();
  // States are told apart by the library's integer encoding where it has one (cheaper than JSON text).
  const words: number[] = [];
  const keyOf = model.encode ? (s: S) => words.slice(0, (model.encode as NonNullable<typeof model.encode>)(s, words)).join(",") : (s: S) => JSON.stringify(model.toJson(s, constants));
  const add = (s: S, parent: number): number => {
    const key = keyOf(s);
    const known = index.get(key);
    if (known !== undefined) return known;
    const json = model.toJson(s, constants);
    const id = e.states.length;
    if (id >= maxStates) throw new EngineError("limit", `The ${variant ?? "base"} side has more than ${maxStates} states.`, "Diff a smaller configuration.");
    index.set(key, id);
    e.states.push(s);
    const p = project(json);
    e.proj.push(p);
    e.projStates.add(p);
    e.parent.push(parent);
    e.succ.push([]);
    e.succStep.push([]);
    for (const inv of model.invariants) if (!e.firstViolation.has(inv.name) && !inv.holds(s, constants)) e.firstViolation.set(inv.name, id);
    return id;
  };
  for (const s of v.init(constants)) {
    const before = e.states.length;
    const id = add(s, -1);
    if (id === before) e.initial.push(id);
  }
  for (let id = 0; id < e.states.length; id++) {
    const succ = e.succ[id] as number[];
    for (const t of v.successors(e.states[id] as S, constants) as Transition<S>[]) {
      const to = add(t.next, id);
      if (succ.includes(to)) continue;
      succ.push(to);
      (e.succStep[id] as string[]).push(t.step);
      e.transitions++;
      if (e.proj[id] !== e.proj[to]) e.projEdges.add(pair(e.proj[id] as number, e.proj[to] as number));
    }
  }
  return e;
}

/** Path from an initial state to `id` (by the parents the search recorded), initial first. */
function pathTo(e: Explored<unknown>, id: number): number[] {
  const path: number[] = [];
  for (let at = id; at >= 0; at = e.parent[at] as number) path.unshift(at);
  return path;
}

/**
 * The shortest path of `a` that `b` cannot follow under the projection: a breadth-first search over
 * (state of a, the states of b that can be where a is), b's steps that do not change the projection
 * taken freely. Null when b follows every path of a (within `limit` search nodes).
 */
function diverge(a: Explored<unknown>, b: Explored<unknown>, limit = 2_000_000): { path: number[]; step: string; bAt: number[] } | null {
  const closure = (set: Iterable<number>): number[] => {
    const out = new Set<number>(set);
    const todo = [...out];
    while (todo.length) {
      const x = todo.pop() as number;
      for (const y of b.succ[x] as number[]) if (b.proj[y] === b.proj[x] && !out.has(y)) (out.add(y), todo.push(y));
    }
    return [...out].sort((p, q) => p - q);
  };
  type Node = { a: number; bs: number[]; parent: number; aStep: string | null };
  const nodes: Node[] = [];
  const seen = new Set<string>();
  const push = (n: Node) => {
    const key = `${n.a}|${n.bs.join(",")}`;
    if (seen.has(key)) return;
    seen.add(key);
    nodes.push(n);
  };
  const rebuild = (at: number, last: number) => {
    const path: number[] = [last];
    for (let k = at; k >= 0; k = (nodes[k] as Node).parent) if (path[0] !== (nodes[k] as Node).a) path.unshift((nodes[k] as Node).a);
    return path;
  };
  for (const a0 of a.initial) {
    const bs = closure(b.initial.filter((b0) => b.proj[b0] === a.proj[a0]));
    if (bs.length === 0) return { path: [a0], step: "Init", bAt: [] };
    push({ a: a0, bs, parent: -1, aStep: null });
  }
  for (let k = 0; k < nodes.length; k++) {
    if (k > limit) return null;
    const { a: at, bs } = nodes[k] as Node;
    const succ = a.succ[at] as number[];
    for (let j = 0; j < succ.length; j++) {
      const next = succ[j] as number;
      const step = (a.succStep[at] as string[])[j] as string;
      if (a.proj[next] === a.proj[at]) {
        push({ a: next, bs, parent: k, aStep: step });
        continue;
      }
      const follow = closure(bs.flatMap((x) => (b.succ[x] as number[]).filter((y) => b.proj[y] === a.proj[next])));
      if (follow.length === 0) return { path: rebuild(k, next), step, bAt: bs };
      push({ a: next, bs: follow, parent: k, aStep: step });
    }
  }
  return null;
}

function traceOf(e: Explored<unknown>, path: number[], req: DiffRequest<unknown>, spec: Spec): TraceStep[] {
  const raw: RawTraceStep[] = path.map((id, i) => ({ ...(i > 0 ? { action: undefined } : {}), state: e.json(id) }));
  return explainTrace(raw, spec, req.model, req.constants, e.variant);
}

export function diffVariants<S>(req: DiffRequest<S>): DiffResult {
  const specFrom = applyVariant(req.spec, req.from);
  const specTo = applyVariant(req.spec, req.to);
  const wFrom = writtenKeys(specFrom);
  const wTo = writtenKeys(specTo);
  const dropped: DiffResult["projection"]["dropped"] = [
    ...[...wFrom].filter((k) => !wTo.has(k)).map((key) => ({ key, writtenBy: "from" as const })),
    ...[...wTo].filter((k) => !wFrom.has(k)).map((key) => ({ key, writtenBy: "to" as const })),
  ];
  const drop = new Set(dropped.map((d) => d.key));
  const max = req.maxStates ?? 1_000_000;
  let compared: string[] | undefined;
  const projections = new Map<string, number>();
  const project = (j: TraceState): number => {
    compared ??= Object.keys(j).filter((k) => !drop.has(k)).sort();
    const text = JSON.stringify(compared.map((k) => j[k] ?? null));
    let n = projections.get(text);
    if (n === undefined) projections.set(text, (n = projections.size));
    if (n >= 67_108_864) throw new EngineError("limit", "diff: more than 2^26 projected states.");
    return n;
  };
  const model = req.model as ReferenceModel<unknown>;
  const a = explore(model, req.from, req.constants, project, max);
  const b = explore(model, req.to, req.constants, project, max);
  const count = (x: Set<number>, y: Set<number>) => {
    let both = 0;
    for (const k of x) if (y.has(k)) both++;
    return both;
  };
  const statesBoth = count(a.projStates, b.projStates);
  const edgesBoth = count(a.projEdges, b.projEdges);
  const divergent = (x: Explored<unknown>, y: Explored<unknown>, spec: Spec): DivergingTrace | undefined => {
    const d = diverge(x, y);
    if (!d) return undefined;
    const trace = traceOf(x, d.path, req as DiffRequest<unknown>, spec);
    const otherEnabled = [...new Set(d.bAt.flatMap((s) => y.succStep[s] as string[]))];
    return { trace, otherEnabled };
  };
  const invariantSide = (x: Explored<unknown>, y: Explored<unknown>, name: string, spec: Spec): InvariantSide => {
    const id = x.firstViolation.get(name);
    if (id === undefined) return { verdict: "ok" };
    const trace = traceOf(x, pathTo(x, id), req as DiffRequest<unknown>, spec);
    return { verdict: "violation", traceLength: trace.length - 1, lastStateOnOtherSide: y.projStates.has(x.proj[id] as number), trace };
  };
  return {
    spec: req.spec.name,
    config: req.config,
    from: { variant: req.from, distinctStates: a.states.length, transitions: a.transitions },
    to: { variant: req.to, distinctStates: b.states.length, transitions: b.transitions },
    projection: { compared: compared ?? [], dropped },
    states: { both: statesBoth, onlyFrom: a.projStates.size - statesBoth, onlyTo: b.projStates.size - statesBoth },
    transitions: { both: edgesBoth, onlyFrom: a.projEdges.size - edgesBoth, onlyTo: b.projEdges.size - edgesBoth },
    divergence: {
      ...(() => {
        const d = divergent(a, b, specFrom);
        return d ? { from: d } : {};
      })(),
      ...(() => {
        const d = divergent(b, a, specTo);
        return d ? { to: d } : {};
      })(),
    },
    invariants: model.invariants.map((inv) => ({ name: inv.name, from: invariantSide(a, b, inv.name, specFrom), to: invariantSide(b, a, inv.name, specTo) })),
  };
}
