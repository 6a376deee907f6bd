/**
 * The whole reachable state graph of a module, from tla-checker: its full DOT export (every edge,
 * self-loops included) and its initial states. States are identified by their printed values, one
 * `name=value` per variable, sorted by name, so two modules over the same variables (declared in any
 * order) name the same state the same way.
 */
import { check_spec_with_options, explore_init } from "tla-checker";
import { EngineError } from "../result.ts";
import { ensureLoaded } from "./engine.ts";

export interface StateGraph {
  /** Distinct states tla-checker reports having found (every one is in `successors`). */
  distinctStates: number;
  initial: string[];
  /** State → successor state → the actions tla-checker names for that edge. */
  successors: Map<string, Map<string, Set<string>>>;
}

/** `x=1\npc=…` (a DOT label, unescaped) → the canonical key. */
function canonical(lines: string[]): string {
  return [...lines].sort().join("\n");
}

const unescape = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));

/** Reads tla-checker's DOT: `sN [label="…"]` nodes and `sA -> sB [label="action"…]` edges. */
export function readCheckerDot(dot: string): { nodes: Map<string, string>; edges: { from: string; to: string; action: string }[] } {
  const nodes = new Map<string, string>();
  const edges: { from: string; to: string; action: string }[] = [];
  const quoted = String.raw`"((?:[^"\\]|\\.)*)"`;
  const node = new RegExp(String.raw`^\s*(s\d+) \[label=${quoted}`);
  // An edge has no label when tla-checker cannot name the action (then it is null in explore_next).
  const edge = new RegExp(String.raw`^\s*(s\d+) -> (s\d+)(?: \[label=${quoted})?`);
  for (const line of dot.split("\n")) {
    const e = edge.exec(line);
    if (e) {
      edges.push({ from: e[1] as string, to: e[2] as string, action: e[3] === undefined ? "(unnamed)" : unescape(e[3]) });
      continue;
    }
    const n = node.exec(line);
    // One `name=value` per variable; a value never starts a line with `identifier=`.
    if (n) nodes.set(n[1] as string, canonical(unescape(n[2] as string).split(/\n(?=[A-Za-z_][A-Za-z0-9_]*=)/)));
  }
  return { nodes, edges };
}

export function embeddedStateGraph(moduleText: string, cfgText: string, maxStates = 2_000_000): StateGraph {
  ensureLoaded();
  const options = { cfg_source: cfgText, allow_deadlock: true, max_states: maxStates, max_depth: 1_000_000_000, export_dot: true, dot_mode: "full" };
  const result = JSON.parse(check_spec_with_options(moduleText, JSON.stringify(options))) as {
    success: boolean;
    error_type: string | null;
    error_message: string | null;
    dot?: string | null;
    states_explored: number;
  };
  if (!result.success || !result.dot) throw new EngineError("crash", `tla-checker could not explore the module: ${result.error_type}: ${result.error_message}`);
  const init = JSON.parse(explore_init(moduleText, cfgText, "{}")) as { ok: boolean; error?: string; states?: { display: Record<string, string> }[] };
  if (!init.ok || !init.states) throw new EngineError("crash", `tla-checker explore_init: ${init.error ?? "failed"}`);
  const { nodes, edges } = readCheckerDot(result.dot);
  const successors = new Map<string, Map<string, Set<string>>>();
  for (const key of nodes.values()) successors.set(key, successors.get(key) ?? new Map());
  for (const { from, to, action } of edges) {
    const a = nodes.get(from);
    const b = nodes.get(to);
    if (a === undefined || b === undefined) throw new EngineError("crash", `tla-checker's state graph has an edge ${from} -> ${to} between unknown states`);
    const out = successors.get(a) ?? new Map<string, Set<string>>();
    out.set(b, (out.get(b) ?? new Set()).add(action));
    successors.set(a, out);
  }
  const initial = init.states.map((s) => canonical(Object.entries(s.display).map(([k, v]) => `${k}=${v}`)));
  if (successors.size !== result.states_explored)
    throw new EngineError("crash", `tla-checker's state graph has ${successors.size} states where it reports ${result.states_explored}: the DOT export was not read whole`);
  return { distinctStates: result.states_explored, initial, successors };
}
