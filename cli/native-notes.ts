/**
 * What a native check adds to the printed result: which explorer ran (the compiled one with its
 * workers and packed layout, or the readable one and why), what symmetry reduction means for the
 * count, and for a simulation its walks and coverage (an OK there is not a proof).
 */
import type { CheckResult } from "../engines/result.ts";

export function nativeNotes(r: CheckResult, symmetricDomains: string[], tlcReduces: string[] = [], symmetryOn = true): string[] {
  const out: string[] = [];
  const x = r.explorer;
  if (x?.kind === "compiled")
    out.push(`Explorer: compiled (${x.workers} worker${x.workers === 1 ? "" : "s"}; ${x.layout}).`);
  else if (x?.kind === "reference") out.push(`Explorer: readable (reference library): ${x.reason}`);
  if (x?.kind === "compiled" && x.symmetry.length > 0)
    out.push(
      `Symmetry: states that differ only by a permutation of ${x.symmetry.join(", ")} count as one, so ${r.distinctStates} is a number of orbits: compare it only with reduced counts (native engine, symmetry on; TLC reduces by symmetric model-value domains too). The embedded engine checks without the reduction.`,
    );
  else if (r.engine === "tlc" && symmetryOn && tlcReduces.length > 0 && tlcReduces.length === symmetricDomains.length)
    out.push(`Symmetry: TLC counted states up to permutations of ${tlcReduces.join(", ")} (SYMMETRY), so ${r.distinctStates} is a number of orbits.`);
  else if (symmetricDomains.length > 0 && r.engine !== "native" && !r.simulation)
    out.push(`Symmetry: ${symmetricDomains.join(", ")} ${symmetricDomains.length === 1 ? "is" : "are"} declared symmetric, but only the native engine reduces by it; this count is the unreduced one.`);
  const s = r.simulation;
  if (s) {
    const c = s.coverage;
    out.push(
      `Simulation: ${s.walks} random walks (${s.walksPerSecond}/s), ${s.steps} steps, at most ${s.depth} steps per walk (longest ${s.maxDepth}), seed ${s.seed}; ${r.distinctStates} distinct states visited.`,
      `Coverage: steps taken ${c.steps.covered}/${c.steps.total}${c.steps.missing.length ? ` (never: ${c.steps.missing.join(", ")})` : ""}, branches ${c.branches.covered}/${c.branches.total}.`,
    );
    if (r.verdict === "ok") out.push("Not exhaustive: no violation was met on these walks, which does not prove that none exists.");
    else if (s.foundAtLength !== undefined && r.trace) out.push(`The violating walk had ${s.foundAtLength} steps; shrunk to ${r.trace.length - 1}.`);
  }
  return out;
}
