/**
 * Errors in a spec: each names the file, line and column, says what is wrong and what to do.
 */
import type { SourceLoc } from "../ir.ts";

export interface SpecProblem {
  loc: SourceLoc;
  message: string;
  /** One sentence on what to do about it. */
  hint?: string;
}

/** One or more problems found in a spec; the CLI prints them and exits 2. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "SpecError";
  }
}

export function formatProblem(p: SpecProblem): string {
  const where = `${p.loc.file}:${p.loc.line}:${p.loc.column}`;
  return p.hint ? `${where}: error: ${p.message}\n  ${p.hint}` : `${where}: error: ${p.message}`;
}

/** Throws a single-problem SpecError. */
export function fail(loc: SourceLoc, message: string, hint?: string): never {
  throw new SpecError([{ loc, message, hint }]);
}
