/**
 * Does the PlusCal algorithm in a module's comment mean what the module's translation means?
 *
 * The algorithm is read from the module text (read.ts) and translated again by PlusCal's rules
 * (translate.ts) into a second module that differs from the first only between BEGIN and END
 * TRANSLATION. tla-checker explores both from the same configuration (its full state graph,
 * stuttering steps included), and the two are compared in lockstep: the same initial states, and
 * from every reachable state the same successor states. The first state where they differ is reported
 * with a shortest path to it.
 *
 * Comparing whole graphs costs one exploration per module; asking `explore_next` state by state
 * costs one parse of the module per state, which on md/raid5 is twenty times slower.
 */
import { embeddedStateGraph, type StateGraph } from "../../engines/embedded/state-graph.ts";
import { identifiersIn } from "../../generator/tla/expr.ts";
import { readPlusCal } from "./read.ts";
import { replaceTranslation, translatePlusCal } from "./translate.ts";

/** The module with its translation replaced by PlusCal's own translation of its algorithm. */
export async function retranslate(moduleText: string): Promise<string> {
  const algorithm = await readPlusCal(moduleText);
  return replaceTranslation(moduleText, translatePlusCal(algorithm, new Set(identifiersIn(moduleText))));
}

export type PlusCalDivergence =
  | { kind: "init"; onlyInTranslation: string[]; onlyInPlusCal: string[] }
  | {
      kind: "successors";
      /** The state (one `name=value` line per variable) whose successors differ. */
      state: string;
      /** The actions from an initial state to it, as the translation names them. */
      path: string[];
      onlyInTranslation: { state: string; actions: string[] }[];
      onlyInPlusCal: { state: string; actions: string[] }[];
    };

export interface PlusCalLockstepResult {
  ok: boolean;
  /** Reachable states compared. */
  states: number;
  transitions: number;
  divergence?: PlusCalDivergence;
  /** The second module, for a reader who wants to look. */
  plusCalModule: string;
  durationMs: number;
}

/** Lockstep of a module's translation against PlusCal's reading of its algorithm, on one cfg. */
export async function plusCalLockstep(moduleText: string, cfgText: string): Promise<PlusCalLockstepResult> {
  const started = performance.now();
  const plusCalModule = await retranslate(moduleText);
  const translation = embeddedStateGraph(moduleText, cfgText);
  const plusCal = embeddedStateGraph(plusCalModule, cfgText);
  const done = (r: Omit<PlusCalLockstepResult, "plusCalModule" | "durationMs">): PlusCalLockstepResult => ({
    ...r,
    plusCalModule,
    durationMs: Math.round(performance.now() - started),
  });

  const a = new Set(translation.initial);
  const b = new Set(plusCal.initial);
  const onlyA = [...a].filter((s) => !b.has(s));
  const onlyB = [...b].filter((s) => !a.has(s));
  if (onlyA.length > 0 || onlyB.length > 0) return done({ ok: false, states: 0, transitions: 0, divergence: { kind: "init", onlyInTranslation: onlyA, onlyInPlusCal: onlyB } });

  const parent = new Map<string, { from: string; actions: string[] } | null>();
  const queue: string[] = [];
  for (const s of a) {
    parent.set(s, null);
    queue.push(s);
  }
  let transitions = 0;
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as string;
    const mine = successorsOf(translation, state);
    const theirs = successorsOf(plusCal, state);
    transitions += mine.size;
    const onlyInTranslation = [...mine].filter(([s]) => !theirs.has(s)).map(([s, acts]) => ({ state: s, actions: [...acts] }));
    const onlyInPlusCal = [...theirs].filter(([s]) => !mine.has(s)).map(([s, acts]) => ({ state: s, actions: [...acts] }));
    if (onlyInTranslation.length > 0 || onlyInPlusCal.length > 0)
      return done({ ok: false, states: head + 1, transitions, divergence: { kind: "successors", state, path: pathTo(parent, state), onlyInTranslation, onlyInPlusCal } });
    for (const [next, actions] of mine) {
      if (parent.has(next)) continue;
      parent.set(next, { from: state, actions: [...actions] });
      queue.push(next);
    }
  }
  // Every state either module reaches was compared (a successor set that differs would have stopped
  // the search), so the two explorations must have found as many states as were compared.
  if (queue.length !== translation.distinctStates || queue.length !== plusCal.distinctStates)
    throw new Error(`PlusCal lockstep compared ${queue.length} states, but the explorations found ${translation.distinctStates} and ${plusCal.distinctStates}`);
  return done({ ok: true, states: queue.length, transitions });
}

function successorsOf(graph: StateGraph, state: string): Map<string, Set<string>> {
  return graph.successors.get(state) ?? new Map();
}

function pathTo(parent: Map<string, { from: string; actions: string[] } | null>, state: string): string[] {
  const actions: string[] = [];
  for (let s: string | undefined = state; s !== undefined; ) {
    const p = parent.get(s);
    if (!p) break;
    actions.unshift(p.actions.join("|"));
    s = p.from;
  }
  return actions;
}

const variablesOf = (state: string): Map<string, string> =>
  new Map(state.split(/\n(?=[A-Za-z_][A-Za-z0-9_]*=)/).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));

/** The variables a successor changes, `name: before → after`. */
function changes(from: string, to: string): string[] {
  const a = variablesOf(from);
  return [...variablesOf(to)].filter(([k, v]) => a.get(k) !== v).map(([k, v]) => `${k}: ${a.get(k) ?? "?"} → ${v}`);
}

/** A divergence as lines a person can read: the state, and what each differing successor changes. */
export function describeDivergence(d: PlusCalDivergence): string {
  const indent = (lines: string[]) => lines.map((l) => `      ${l}`).join("\n");
  if (d.kind === "init")
    return [
      "The initial states differ.",
      ...d.onlyInTranslation.map((s) => `  only in the translation:\n${indent(s.split("\n"))}`),
      ...d.onlyInPlusCal.map((s) => `  only in PlusCal's reading:\n${indent(s.split("\n"))}`),
    ].join("\n");
  const successor = (side: string) => (t: { state: string; actions: string[] }) =>
    `  only in ${side} (${t.actions.join(", ")}), changing:\n${indent(changes(d.state, t.state))}`;
  return [
    `From the state reached by ${d.path.length === 0 ? "Init" : `Init, ${d.path.join(", ")}`}, the successors differ:`,
    ...d.onlyInTranslation.map(successor("the translation")),
    ...d.onlyInPlusCal.map(successor("PlusCal's reading")),
    "  The state:",
    indent(d.state.split("\n")),
  ].join("\n");
}
