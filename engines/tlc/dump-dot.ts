/**
 * Reads the state graph TLC writes with `-dump dot,actionlabels <file>`: one node per distinct state
 * (its fingerprint as id, its variables as the label, `style = filled` on initial states), one edge
 * per transition labelled with the action and its arguments (`setFlag(0)`), and `rank = same` lines
 * for the layout. TLC draws no stuttering steps (self-loops) unless asked with `,stuttering`.
 */
import type { TlaValue } from "../tla-value.ts";
import { parseVariables, splitActionName, type TlcVariable } from "./parse-output.ts";

export interface TlcDotState {
  /** TLC's fingerprint of the state, as printed. */
  id: string;
  initial: boolean;
  variables: TlcVariable[];
}

export interface TlcDotEdge {
  from: string;
  to: string;
  action: string;
  /** The action's arguments as printed (`0`), when TLC gives them. */
  args?: string;
  params?: TlaValue[];
}

export interface TlcStateGraph {
  states: Map<string, TlcDotState>;
  edges: TlcDotEdge[];
}

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const NODE = new RegExp(String.raw`^(-?\d+) \[label=${QUOTED}(.*)\];?$`);
const EDGE = new RegExp(String.raw`^(-?\d+) -> (-?\d+) \[label=${QUOTED}`);

const unescape = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));

export function readTlcDot(text: string): TlcStateGraph {
  if (!/^strict digraph DiskGraph \{/.test(text)) throw new Error("not a TLC state graph (-dump dot): it does not start with `strict digraph DiskGraph {`");
  const states = new Map<string, TlcDotState>();
  const edges: TlcDotEdge[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    const edge = EDGE.exec(line);
    if (edge) {
      const { action, actionArgs, actionParams } = splitActionName(unescape(edge[3] as string));
      edges.push({ from: edge[1] as string, to: edge[2] as string, action, ...(actionArgs !== undefined ? { args: actionArgs } : {}), ...(actionParams ? { params: actionParams } : {}) });
      continue;
    }
    const node = NODE.exec(line);
    if (!node) continue;
    const read = parseVariables(unescape(node[2] as string).split("\n"));
    if (read.unreadable.length > 0) throw new Error(`line ${i + 1}: TLC's state graph has a value raidspec cannot read: ${read.unreadable.map((u) => `${u.name} = ${u.text}`).join(", ")}`);
    states.set(node[1] as string, { id: node[1] as string, initial: /style\s*=\s*filled/.test(node[3] ?? ""), variables: read.variables });
  }
  for (const e of edges)
    if (!states.has(e.from) || !states.has(e.to)) throw new Error(`TLC's state graph has an edge ${e.from} -> ${e.to} to a state it does not list`);
  return { states, edges };
}
