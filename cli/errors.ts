/**
 * Every way the command can fail, reported one way: a clear message on stderr (or, with --json, one
 * `{"error": {...}}` object on stdout) and an exit code per kind. Nothing reaches the user as a stack
 * trace: an error raidspec did not foresee is its own bug, and says so.
 */
import { CommanderError } from "commander";
import { SpecError, formatProblem } from "../generator/frontend/errors.ts";
import { EngineError, type EngineErrorKind, exitCodes, type TraceStep } from "../engines/result.ts";
import { formatTrace } from "./print.ts";

/** The `error` object `--json` prints. */
export interface ErrorReport {
  /** "spec" (the spec is wrong), a kind of EngineError ("usage", "crash", "timeout", …), or "internal". */
  kind: "spec" | EngineErrorKind;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
  /** More text: a tool's own output, or what to do. */
  detail?: string;
  /** Every problem, when a spec has several. */
  problems?: { file: string; line: number; column: number; message: string; hint?: string }[];
  /** The behaviour up to the state where an evaluation error happened. */
  trace?: TraceStep[];
}

export const BUG_NOTE = "This is a raidspec bug: please report it, with the spec and the command line.";

/** What an error means for the user, and the exit code it ends the command with. */
export function describeError(e: unknown): { report: ErrorReport; exitCode: number; text: string } {
  if (e instanceof SpecError) {
    const [first, ...rest] = e.problems;
    const report: ErrorReport = {
      kind: "spec",
      message: first?.message ?? e.message,
      ...(first ? { file: first.loc.file, line: first.loc.line, column: first.loc.column } : {}),
      ...(first?.hint ? { hint: first.hint } : {}),
      ...(rest.length ? { problems: e.problems.map((p) => ({ ...p.loc, message: p.message, ...(p.hint ? { hint: p.hint } : {}) })) } : {}),
    };
    return { report, exitCode: exitCodes.usage, text: e.problems.map(formatProblem).join("\n") };
  }
  if (e instanceof EngineError) {
    const report: ErrorReport = {
      kind: e.kind,
      message: e.message,
      ...(e.loc ? { file: e.loc.file, line: e.loc.line, column: e.loc.column } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
      ...(e.trace ? { trace: e.trace } : {}),
    };
    const trace = e.trace?.length ? `\nThe behaviour up to the state where it happened (${e.trace.length - 1} steps):\n${formatTrace(e.trace)}` : "";
    const text = `${e.loc ? "" : "raidspec: "}${e.message}${e.kind === "internal" ? `\n${BUG_NOTE}` : ""}${e.detail ? `\n${e.detail}` : ""}${trace}`;
    return { report, exitCode: exitCodes[e.kind], text };
  }
  if (e instanceof CommanderError) {
    return { report: { kind: "usage", message: e.message.replace(/^error: /, "") }, exitCode: exitCodes.usage, text: e.message };
  }
  const text = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  const message = `internal error: ${text.replace(/^internal error: /, "")}`.replace(/\s+/g, " ").trim();
  return { report: { kind: "internal", message, detail: BUG_NOTE }, exitCode: exitCodes.internal, text: `raidspec: ${message}\n${BUG_NOTE}` };
}

/** Prints an error the way the command line asked for, and returns its exit code. */
export function reportError(e: unknown, json: boolean): number {
  const { report, exitCode, text } = describeError(e);
  if (json) process.stdout.write(`${JSON.stringify({ error: report })}\n`);
  else process.stderr.write(`${text}\n`);
  if (process.env.RAIDSPEC_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return exitCode;
}
