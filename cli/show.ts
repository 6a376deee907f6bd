/**
 * `raidspec show <trace.itf.json>`: tells a saved ITF trace the way `check` tells a fresh one (text,
 * --svg, --html). The spec named in the trace's `#meta.source` (or --spec) gives the stories, and the
 * trace is replayed on its reference library to check it is still a behaviour of the spec as it is now:
 * if not, that is said, and the trace is shown from its states alone.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import { referenceOf } from "../engines/native/load-reference.ts";
import { EngineError, type TraceStep } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { explainTrace } from "../engines/explain.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import type { Spec } from "../generator/ir.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { ItfError, readItf } from "../traces/itf-read.ts";
import { narrativeLines } from "../traces/narrative.ts";
import { traceModel } from "../traces/trace-model.ts";
import { assertStories, type TraceFileOptions, writeTraceFiles } from "./trace-output.ts";

export interface ShowOptions extends TraceFileOptions {
  spec?: string;
  config?: string;
}

/** The text `show` prints for a trace file (and the --svg/--html files it writes). */
export async function showTrace(file: string, opts: ShowOptions, root: string): Promise<string> {
  const text = await readFile(path.resolve(root, file), "utf8").catch(() => {
    throw new EngineError("usage", `Cannot read ${file}.`, "Name an ITF trace written by raidspec check --itf (or another ITF tool).");
  });
  let itf;
  try {
    itf = readItf(text, file);
  } catch (e) {
    if (e instanceof ItfError) throw new EngineError("usage", e.message);
    throw e;
  }
  const notes: string[] = [];
  let trace: TraceStep[] = itf.trace;
  let spec: Spec | undefined;
  let constants;
  const specArg = opts.spec ?? (itf.source ? path.dirname(itf.source) : undefined);
  const config = opts.config ?? itf.config;
  if (specArg && config) {
    const loaded = loadSpec(specArg, { root });
    assertStories(loaded);
    if (!loaded.spec.configs.some((c) => c.name === config)) throw new EngineError("usage", `${loaded.spec.name} has no configuration "${config}" (pass --config).`);
    const variant = itf.variant === undefined || itf.variant === loaded.spec.baseVariant ? null : itf.variant;
    spec = applyVariant(loaded.spec, variant);
    constants = constantValues(loaded.spec, config);
    try {
      const model = await referenceOf(loaded.spec);
      const raw = trace.map((s, i) => ({ ...(i > 0 && !s.step.startsWith("step ") ? { action: s.step } : {}), state: s.state }));
      trace = explainTrace(raw, spec, model, constants, variant);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      notes.push(`Note: this trace does not replay on ${loaded.spec.name} as it is now (${e.message.replace(/ \(run raidspec conform\)$/, "")}); it may come from an older version of the spec.`);
    }
  } else notes.push("Note: the trace does not name its spec and configuration (pass --spec and --config): it is shown from its states alone.");
  const model = traceModel({
    trace,
    ...(spec && constants ? { spec, constants } : {}),
    ...(itf.invariant ? { invariant: itf.invariant } : {}),
    ...(itf.loopStart !== undefined ? { loopStart: itf.loopStart } : {}),
    title: itf.description ?? file,
  });
  const heading = `${itf.description ?? file}\nTrace (${model.steps.length} steps):`;
  await writeTraceFiles(model, opts, root, itf.description);
  return [...notes, heading, ...narrativeLines(model, { fullInit: opts.fullInit })].join("\n");
}

export function showCommand(root: string): Command {
  return new Command("show")
    .description("tell a saved ITF trace (from check --itf) as check does: text, and --svg / --html files")
    .argument("<trace>", "an ITF trace file, e.g. trace.itf.json")
    .option("--spec <spec>", "the spec folder (default: the one the trace names)")
    .option("--config <name>", "the configuration (default: the one the trace names)")
    .option("--svg <file>", "also write the swim-lane diagram (SVG)")
    .option("--html <file>", "also write a self-contained HTML report")
    .option("--full-init", "print every variable of the initial state")
    .action(async (file: string, opts: ShowOptions) => console.log(await showTrace(file, opts, root)));
}
