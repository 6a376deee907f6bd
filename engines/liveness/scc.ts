/**
 * Strongly connected components of a part of the state graph: Tarjan's algorithm (R. Tarjan,
 * "Depth-first search and linear graph algorithms", SIAM J. Computing 1(2), 1972), with an explicit
 * stack instead of recursion, so a long chain of states cannot overflow the call stack.
 *
 * The part is the set of states `s` with `inside[s] === tag`, and only edges between two of them
 * count. Every state is its own component at least: for liveness, a state can always be repeated
 * by stuttering, so even a component of one state without a loop can be where a behaviour ends.
 */
import type { StateGraph } from "./graph.ts";

export interface SccScratch {
  index: Int32Array;
  low: Int32Array;
  onStack: Uint8Array;
  stack: Int32Array;
  /** The call stack: a state and its next edge. */
  callState: Int32Array;
  callEdge: Int32Array;
}

export function sccScratch(size: number): SccScratch {
  return {
    index: new Int32Array(size).fill(-1),
    low: new Int32Array(size),
    onStack: new Uint8Array(size),
    stack: new Int32Array(size),
    callState: new Int32Array(size),
    callEdge: new Int32Array(size),
  };
}

/**
 * The components of the states listed in `states` (all of them with `inside[s] === tag`), each as
 * an array of states. `scratch` must have `index` at -1 for these states; it is left so again.
 */
export function components(g: StateGraph, states: ArrayLike<number>, inside: Int32Array, tag: number, scratch: SccScratch): Int32Array[] {
  const { index, low, onStack, stack, callState, callEdge } = scratch;
  const { start, target } = g;
  const out: Int32Array[] = [];
  let counter = 0;
  let sp = 0;
  for (let r = 0; r < states.length; r++) {
    const root = states[r] as number;
    if (index[root] !== -1) continue;
    let depth = 0;
    callState[0] = root;
    callEdge[0] = start[root] as number;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callState[depth] as number;
      const e = callEdge[depth] as number;
      if (e < (start[v + 1] as number)) {
        callEdge[depth] = e + 1;
        const w = target[e] as number;
        if (inside[w] !== tag || w === v) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth += 1;
          callState[depth] = w;
          callEdge[depth] = start[w] as number;
        } else if (onStack[w] && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
        continue;
      }
      // v is done: it roots a component, or passes its low link to its caller.
      if (low[v] === index[v]) {
        let n = sp;
        while (stack[n - 1] !== v) n--;
        const comp = stack.slice(n - 1, sp);
        for (const s of comp) onStack[s] = 0;
        sp = n - 1;
        out.push(comp);
      }
      depth -= 1;
      if (depth >= 0) {
        const u = callState[depth] as number;
        if ((low[v] as number) < (low[u] as number)) low[u] = low[v] as number;
      }
    }
  }
  for (let r = 0; r < states.length; r++) index[states[r] as number] = -1;
  return out;
}
