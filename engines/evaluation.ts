/**
 * Contract 1, evaluation errors: where a spec leaves the domains TLA+ defines (a map read or written
 * outside its keys, pc read for something that is no process, an integer beyond TLC's 32-bit range,
 * none used as a value, % by a non-positive number), TLC stops with an error, and so does every engine:
 * `EngineError("crash", …)` (exit 6), never a verdict.
 *
 * The message is one line:
 *
 *     <file>:<line>:<column>: error: <problem>, in <context>[, called from <context>…]
 *
 * with the spec file relative to the project root, the location of the statement (or invariant,
 * helper or variable declaration) being evaluated, a problem that shows the offending value
 * (`flag[6] is read, but 6 is not one of its keys (0..1)`, `2147483647 + 1 overflows TLC's 32-bit
 * integers (-2147483648..2147483647)`), and contexts innermost first: `step <label> of process <set>
 * <id>`, `invariant <Name>`, `helper <name>`, `the initial state`. The EngineError also carries the
 * location (`loc`) and the behaviour up to the state being evaluated (`trace`).
 *
 * The generated reference library throws its own `EvaluationError` (it depends on nothing); this
 * module recognises it and makes the EngineError.
 */
import type { SourceLoc } from "../generator/ir.ts";
import type { ConstantValues, ReferenceModel } from "./model.ts";
import { EngineError, type Json, type TraceStep } from "./result.ts";

/** What a reference library's EvaluationError carries (matched by shape: the library is loaded at run time). */
export interface EvaluationErrorShape {
  name: "EvaluationError";
  message: string;
  /** `file:line:column` in the spec. */
  at: string;
  problem: string;
  contexts: string[];
}

export function isEvaluationError(e: unknown): e is EvaluationErrorShape {
  if (!(e instanceof Error) || e.name !== "EvaluationError") return false;
  const x = e as Error & Partial<EvaluationErrorShape>;
  return typeof x.at === "string" && typeof x.problem === "string" && Array.isArray(x.contexts);
}

/** The message of contract 1 (for engines that detect an evaluation error themselves). */
export function evaluationMessage(at: string, problem: string, contexts: string[]): string {
  return `${at}: error: ${problem}${contexts.length ? `, in ${contexts.join(", called from ")}` : ""}`;
}

/** `file:line:column` → a source location (the file may itself contain colons). */
export function parseAt(at: string): SourceLoc | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(at);
  return m?.[1] && m[2] && m[3] ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : undefined;
}

/** One step of a native trace (see engines/native/explore.ts). */
export interface RawStep<S> {
  step: string;
  processSet: string | null;
  self: Json;
  params: Record<string, Json>;
  state: S;
}

/** A native explorer's path as trace steps (states in their canonical JSON form). */
export function nativeTrace<S>(model: ReferenceModel<S>, constants: ConstantValues, path: RawStep<S>[]): TraceStep[] {
  return path.map((t) => {
    const step = model.steps.find((x) => x.label === t.step && x.processSet === t.processSet);
    return {
      step: t.step,
      process: t.self,
      ...(t.processSet ? { processSet: t.processSet } : {}),
      params: t.params,
      state: model.toJson(t.state, constants),
      ...(step?.models ? { models: step.models } : {}),
      ...(step ? { loc: { file: model.source, line: step.line, column: step.column } } : {}),
    };
  });
}

/** The EngineError for an evaluation error a reference library threw, with the behaviour that led there. */
export function evaluationEngineError(e: EvaluationErrorShape, trace?: TraceStep[], note?: string): EngineError {
  return new EngineError(
    "crash",
    evaluationMessage(e.at, e.problem, e.contexts),
    note ?? "TLC stops with an error here as well: the spec leaves the values TLA+ defines. Fix the spec (a guard, a wider domain or a smaller value).",
    { loc: parseAt(e.at), trace },
  );
}
