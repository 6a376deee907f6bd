/**
 * The native engine: the compiled explorer when the compiled form covers the spec, else the readable
 * explorer over the generated reference library (which covers every spec the generators accept).
 */
import os from "node:os";
import { type PackedProgram, PackedUnsupported, compilePacked } from "../../generator/packed/compile.ts";
import { describeLayout } from "../../generator/packed/layout.ts";
import type { Spec } from "../../generator/ir.ts";
import type { ConstantValues, ReferenceModel } from "../model.ts";
import { applyVariant } from "../../generator/tla/module.ts";
import { type Coverage, buildCoverage } from "../coverage.ts";
import { EngineError, type ExplorerInfo, type Json, type LivenessInfo, type Progress, type SimulationInfo, type TraceState } from "../result.ts";
import { propertyPlan } from "../liveness/instances.ts";
import { runNativeLiveness } from "./liveness-run.ts";
import { exploreNative } from "./explore.ts";
import { explorePacked } from "./packed-explore.ts";
import { explorePackedParallel } from "./packed-parallel.ts";
import type { PackedResult } from "./packed-search.ts";
import { simulate } from "./simulate.ts";

export interface NativeRequest {
  spec: Spec;
  variant: string | null;
  constants: ConstantValues;
  invariants: string[];
  maxStates?: number;
  /** Stop with an EngineError of kind "timeout" after this many milliseconds (--timeout). */
  timeoutMs?: number;
  /** Worker threads for the compiled explorer (1: this thread only). */
  workers?: number | "auto";
  /** "reference": the readable explorer even when the compiled form is available. */
  explorer?: "compiled" | "reference";
  /** Apply the spec's symmetric domains (default true). */
  symmetry?: boolean;
  onProgress?: (p: Progress) => void;
  /** Count how often each step fired and each branch was taken (the compiled explorer then runs on one thread). */
  coverage?: boolean;
  /** The generated reference library (the readable explorer's input). */
  model: () => Promise<ReferenceModel<unknown>>;
  /** Temporal properties to check, by name (default: none). */
  properties?: string[];
  /** Report a reachable state where no step is enabled and some process is not Done. */
  deadlock?: boolean;
}

export interface NativeOutcome {
  verdict: "ok" | "violation" | "deadlock";
  invariant?: string;
  property?: string;
  instance?: Record<string, Json>;
  /**
   * A lasso: the loop starts at `trace[loopStart]`; unless it is stuttering, the trace's last step
   * is the one back to that state (its state equal to it).
   */
  lasso?: { loopStart: number; stuttering: boolean };
  liveness?: LivenessInfo;
  distinctStates: number;
  generated: number;
  depth: number;
  trace?: { step: string; processSet: string | null; self: Json; params: Record<string, Json>; state: TraceState }[];
  explorer: ExplorerInfo;
  coverage?: Coverage;
}

/** The number of workers `auto` means here: every core but none beyond what the machine has. */
export function autoWorkers(): number {
  return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
}

/** The compiled form, or why there is none (the readable explorer then runs). */
export function compileOrExplain(spec: Spec, variant: string | null, constants: ConstantValues, symmetry = true, coverage = false): PackedProgram | string {
  try {
    return compilePacked(spec, variant, constants as Record<string, import("../../generator/ir.ts").Value>, { symmetry, coverage });
  } catch (e) {
    if (e instanceof PackedUnsupported) return e.message;
    throw e;
  }
}

export async function runNative(req: NativeRequest): Promise<NativeOutcome> {
  if (req.properties && req.properties.length > 0) {
    const plan = propertyPlan(req.spec, req.constants, req.properties);
    if (plan.instances.length > 0) {
      const r = await runNativeLiveness(req, plan);
      if (!req.coverage || r.coverage) return r;
      // The readable explorer's graph search counts no coverage: the counts come from a search of
      // the same states for the invariants alone.
      const counted = await runNative({ ...req, properties: undefined });
      return counted.coverage ? { ...r, coverage: counted.coverage } : r;
    }
  }
  const compiled =
    req.explorer === "reference" ? "the readable explorer was asked for (--engine native-reference)" : compileOrExplain(req.spec, req.variant, req.constants, req.symmetry, req.coverage);
  const applied = applyVariant(req.spec, req.variant);
  if (typeof compiled === "string") {
    if (req.spec.domains.some((d) => d.symmetric) && req.symmetry !== false && req.explorer !== "reference")
      throw new EngineError("usage", `The spec declares symmetric domains, which only the compiled explorer reduces, and it cannot compile this spec: ${compiled}`, "Check without the reduction (--no-symmetry), or simplify what the message names.");
    const model = await req.model();
    const r = exploreNative(model, { constants: req.constants, variant: req.variant, invariants: req.invariants, maxStates: req.maxStates, timeoutMs: req.timeoutMs, onProgress: req.onProgress, deadlock: req.deadlock, coverage: req.coverage });
    const trace = r.trace?.map((t) => ({ step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: model.toJson(t.state, req.constants) }));
    const coverage = r.coverage && buildCoverage(applied, r.coverage.counts, { engine: "native", complete: r.coverage.complete, branches: r.coverage.counts.branchesKnown });
    return { ...outcome({ ...r, trace }, { kind: "reference", reason: compiled, searchMs: r.durationMs }), ...(coverage ? { coverage } : {}) };
  }
  // The parallel search does not look for deadlocks, nor count coverage (it would have to merge
  // per-site counts): with --deadlock or --coverage the search runs on this thread.
  const workers = req.deadlock || req.coverage ? 1 : req.workers === "auto" ? autoWorkers() : (req.workers ?? 1);
  const opts = { invariants: req.invariants, maxStates: req.maxStates, timeoutMs: req.timeoutMs, onProgress: req.onProgress, deadlock: req.deadlock, coverage: req.coverage };
  const r: PackedResult = workers > 1 ? await explorePackedParallel(compiled, opts, workers) : explorePacked(compiled, opts);
  const coverage = r.coverage && buildCoverage(applied, r.coverage.counts.counts(), { engine: "native", complete: r.coverage.complete });
  const result = outcome(r, {
    kind: "compiled",
    workers,
    layout: describeLayout(compiled.layout),
    bitsPerState: compiled.layout.bits,
    symmetry: compiled.symmetry?.domains ?? [],
    searchMs: r.durationMs,
  });
  return coverage ? { ...result, coverage } : result;
}

/** The outcome of either explorer: its verdict, figures and trace, and which explorer it was. */
function outcome(r: Omit<NativeOutcome, "explorer" | "coverage">, explorer: ExplorerInfo): NativeOutcome {
  return {
    verdict: r.verdict,
    ...(r.invariant ? { invariant: r.invariant } : {}),
    distinctStates: r.distinctStates,
    generated: r.generated,
    depth: r.depth,
    ...(r.trace ? { trace: r.trace } : {}),
    explorer,
  };
}

export interface SimulationRequest {
  spec: Spec;
  variant: string | null;
  constants: ConstantValues;
  invariants: string[];
  symmetry?: boolean;
  depth?: number;
  walks?: number;
  seconds?: number;
  seed?: number;
}

/** Random walks over the compiled form (see simulate.ts); distinctStates counts the states visited. */
export function runSimulation(req: SimulationRequest): Omit<NativeOutcome, "generated" | "depth"> & { simulation: SimulationInfo } {
  const compiled = compileOrExplain(req.spec, req.variant, req.constants, false);
  if (typeof compiled === "string") throw new EngineError("usage", `--simulate needs the compiled form, which does not cover this spec: ${compiled}`);
  const depth = req.depth ?? 100;
  const r = simulate(compiled, { invariants: req.invariants, depth, walks: req.walks, seconds: req.seconds, seed: req.seed });
  return {
    verdict: r.verdict,
    ...(r.invariant ? { invariant: r.invariant } : {}),
    distinctStates: r.distinctStates,
    ...(r.trace ? { trace: r.trace } : {}),
    explorer: { kind: "compiled", workers: 1, layout: describeLayout(compiled.layout), bitsPerState: compiled.layout.bits, symmetry: [] },
    simulation: {
      walks: r.walks,
      steps: r.steps,
      depth,
      maxDepth: r.maxDepth,
      walksPerSecond: r.walksPerSecond,
      seed: r.seed,
      coverage: r.coverage,
      ...(r.foundAtLength !== undefined ? { foundAtLength: r.foundAtLength } : {}),
    },
  };
}
