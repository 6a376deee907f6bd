/**
 * The files and checks around a printed counterexample: the spec's story templates are checked
 * before a check runs (a typo in a template is an error at its line, not a silent gap in the story),
 * and --svg / --html write the diagram and the report page (atomically, like every output file).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { SpecError } from "../generator/frontend/errors.ts";
import type { LoadedSpec } from "../generator/frontend/load.ts";
import { writeFileAtomic } from "../generator/atomic-write.ts";
import { traceHtml } from "../traces/html.ts";
import { checkStories } from "../traces/story.ts";
import { traceSvg } from "../traces/svg.ts";
import type { TraceModel } from "../traces/trace-model.ts";

export interface TraceFileOptions {
  svg?: string;
  html?: string;
  fullInit?: boolean;
}

/** Throws a SpecError (exit 2) naming each `@story`/`@idle` of the spec that does not read. */
export function assertStories(loaded: LoadedSpec): void {
  const problems = checkStories(loaded.spec, readFileSync(loaded.file, "utf8"));
  if (problems.length > 0)
    throw new SpecError(problems.map((p) => ({ ...p, hint: "Story templates name the step's choices, self, locals, variables, constants and helpers (see the README's \"Writing a spec\")." })));
}

/** Writes the SVG diagram and/or the HTML page of a counterexample; returns the files written. */
export async function writeTraceFiles(model: TraceModel, opts: TraceFileOptions, root: string, verdict?: string): Promise<string[]> {
  const files: { path: string; text: string }[] = [];
  const rel = (f: string) => path.relative(root, path.resolve(root, f));
  if (opts.svg) files.push({ path: rel(opts.svg), text: traceSvg(model) });
  if (opts.html) files.push({ path: rel(opts.html), text: traceHtml(model, { fullInit: opts.fullInit, verdict }) });
  // Files the user names (anywhere, not generated artefacts of the project), each written atomically.
  for (const f of files) await writeFileAtomic(path.resolve(root, f.path), f.text);
  return files.map((f) => f.path);
}
