/**
 * The compiled explorer: breadth-first search over the compiled form of a spec (generator/packed/),
 * on this thread (packed-parallel.ts runs the same search with worker threads).
 *
 * States live only as packed words: the current BFS level and the next one. Per state found the
 * explorer keeps its 64-bit fingerprint, its parent's number and the index of the transition that
 * reached it, so memory is the fingerprint table plus about two levels of packed states. Successors
 * are generated in the reference library's order and states are numbered as the readable explorer
 * (engines/native/explore.ts) numbers them, so counts, verdicts and shortest counterexamples are its.
 *
 * With symmetric domains, a state is fingerprinted by the smallest packed form over the permutations
 * of their values, so one state per orbit is explored; the state kept is the one found first.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { crashError, isCrash } from "./packed-model.ts";
import { type PackedOptions, type PackedResult, Search } from "./packed-search.ts";

export type { PackedOptions, PackedResult, PackedTraceStep } from "./packed-search.ts";

export function explorePacked(program: PackedProgram, opts: PackedOptions = {}): PackedResult {
  const search = new Search(program, opts);
  try {
    const first = search.start();
    if (first) return first;
    while (search.beginLevel()) {
      const r = search.expandLevel();
      if (r) return r;
      search.endLevel();
    }
    return search.finish();
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  }
}
