/**
 * TLC's counterexample of a temporal property as raidspec's lasso shape. TLC (-tool) prints a lasso
 * as its states (message 2217), then either message 2122 "Back to state: n" (tlc2.output.EC
 * TLC_BACK_TO_STATE: the behaviour's next state is state n again, printed with the action that
 * leads there) or message 2218 "Stuttering" (TLC_STATE_PRINT3: the last state repeats for ever).
 * raidspec's shape (CheckResult): the states, initial first; `loopStart` the index of the state the
 * loop starts at; unless the loop is stuttering, the last step is the one back to that state.
 */
import type { TlcTraceState } from "./parse-output.ts";

export interface TlcLasso {
  /** The states to replay, initial first: a back-to-state step included (its state is the loop's first), a stuttering marker left out. */
  states: TlcTraceState[];
  lasso?: { loopStart: number; stuttering: boolean };
}

export function tlcLasso(trace: readonly TlcTraceState[]): TlcLasso {
  const last = trace[trace.length - 1];
  if (last?.stuttering) {
    const states = trace.slice(0, -1);
    return { states, lasso: { loopStart: states.length - 1, stuttering: true } };
  }
  // TLC numbers its states from 1.
  if (last?.backTo !== undefined) return { states: [...trace], lasso: { loopStart: last.backTo - 1, stuttering: false } };
  return { states: [...trace] };
}
