/**
 * The raidspec command line: gen, check, conform, report, show, readme.
 *
 * Exit codes: 0 every checked invariant and property holds; 1 a violation or (check --deadlock) a
 * deadlock (or, for gen --check and conform, a difference); 2 bad input or usage; 3–8 an engine could
 * not give a verdict; 9 an internal error of raidspec; 130 interrupted (see engines/result.ts). Paths
 * on the command line are relative to the working directory; everything a spec generates goes to its
 * project (the nearest folder above it with a package.json), whatever the working directory.
 */
import { createRequire } from "node:module";
import { Command, InvalidArgumentError, Option } from "commander";
import { collectGarbage } from "../engines/native/collect.ts";
import { loadSpec, releaseCompiler } from "../generator/frontend/load.ts";
import { autoWorkers } from "../engines/native/native.ts";
import { prestartWorkers } from "../engines/native/packed-parallel.ts";
import { EngineError, exitCodes } from "../engines/result.ts";
import { runCheck } from "../engines/check.ts";
import { buildReport, reportMatrix, reportTable } from "../engines/report.ts";
import { conformCommand } from "../conformance/run.ts";
import { genCommand } from "./gen.ts";
import { formatResult, resultModel } from "./print.ts";
import { nativeNotes } from "./native-notes.ts";
import { assertStories, type TraceFileOptions, writeTraceFiles } from "./trace-output.ts";
import { type ProgressOptions, progressReporter } from "./progress.ts";
import { showCommand } from "./show.ts";
import { formatCoverage } from "./coverage-print.ts";
import { formatReachability } from "./reach-print.ts";
import { checkGoals } from "../engines/check-goals.ts";
import { readmeCommand } from "./readme.ts";
import { diffCommand } from "./diff.ts";
import { reportMarkdown } from "../traces/report-markdown.ts";
import { traceToItf } from "../engines/itf.ts";
import { applyVariant, tlcSymmetricDomains } from "../generator/tla/module.ts";
import { constantValues } from "../engines/state-json.ts";
import { checkItfTarget, writeItf } from "./itf-file.ts";
import { reportError } from "./errors.ts";

const version = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
const json = process.argv.includes("--json");

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive whole number");
  return n;
};

const workerCount = (value: string): number | "auto" => (value === "auto" ? "auto" : positiveInt(value));

const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number");
  return n;
};

const engines = ["auto", "tlc", "embedded", "native", "native-reference"];

/** `native-reference` is the native engine with the readable explorer. */
const engineOf = (e: string) => (e === "native-reference" ? { engine: "native" as const, explorer: "reference" as const } : { engine: e as "auto" });

const program = new Command()
  .name("raidspec")
  .description("Model concurrent code in a typed TypeScript DSL; generate TLA+ and a TypeScript reference; check them.")
  .version(`raidspec ${version}`, "-V, --version", "print raidspec's version")
  .showHelpAfterError()
  .exitOverride()
  // With --json the error goes to stdout as JSON (printed by main), not as commander's text.
  .configureOutput({ writeErr: (text) => (json ? undefined : process.stderr.write(text)) });

program
  .command("gen")
  .description("generate the TLA+ modules, .cfg files and reference library of specs")
  .argument("[specs...]", "spec folders, e.g. spec/examples/peterson")
  .option("--all", "every spec under spec/ of the project")
  .option("--check", "do not write: fail if the committed files differ from a fresh generation")
  .action(async (args: string[], opts: { all?: boolean; check?: boolean }) => {
    const r = await genCommand(args, opts);
    for (const w of r.written) console.log(`${w.spec}: wrote ${w.files.join(", ")}`);
    if (!opts.check) return;
    if (r.stale.length > 0) {
      console.error(`Generated files are out of date (run npm run gen):\n  ${r.stale.join("\n  ")}`);
      process.exitCode = 1;
    } else console.log(`Generated files are up to date (${r.specs} specs).`);
  });

program
  .command("check")
  .description("model-check a spec: exit 0 if every invariant and property holds, 1 on a violation (or, with --deadlock, a deadlock)")
  .argument("<spec>", "spec folder, e.g. spec/examples/peterson")
  .option("--config <name>", "named configuration (default: \"default\" or the first)")
  .option("--variant <name>", "named variant of the steps (\"base\" for none; default: the configuration's)")
  .option("--invariant <name>", "check only this invariant (with --property: and that property; no reachability goal)")
  .option("--property <name>", "check only this temporal property (with --invariant: and that invariant)")
  .option("--deadlock", "also report a reachable state where no step is enabled and not every process is Done (verdict deadlock, exit 1)")
  .option("--reachable <name>", "check only this reachability goal (.reachable): reached with a witness, or unreached")
  .addOption(new Option("--engine <engine>", "model checker (native-reference: the native engine's readable explorer)").choices(engines).default("auto"))
  .option("--tlc-jar <path>", "path to tla2tools.jar (else TLA2TOOLS_JAR, else the usual install places)")
  .option("--max-states <n>", "stop with an error after this many distinct states", positiveInt)
  .option("--timeout <seconds>", "stop with an error (exit 7) after this many seconds, on every engine", positiveInt)
  .option("--workers <n>", "threads: TLC's -workers, and the native engine's worker threads (a number or auto)", workerCount)
  .option("--no-symmetry", "native engine: do not reduce by the spec's symmetric(…) domains")
  .option("--coverage", "count how often each step fired and each branch was taken; list those never taken")
  .option("--simulate", "random walks over the compiled form instead of an exhaustive search (native engine)")
  .option("--depth <n>", "with --simulate: steps per walk (default 100)", positiveInt)
  .option("--walks <n>", "with --simulate: stop after this many walks", positiveInt)
  .option("--seconds <n>", "with --simulate: stop after this many seconds (default 10 without --walks)", positiveInt)
  .option("--seed <n>", "with --simulate: the random seed (default 1)", wholeNumber)
  .option("--json", "print one JSON object (also for errors)")
  .option("--itf <file>", "also write the counterexample as an ITF trace (Apalache/Quint JSON); the file must be new or an earlier ITF trace")
  .option("--svg <file>", "also write the counterexample as a swim-lane diagram (SVG)")
  .option("--html <file>", "also write a self-contained HTML report of the counterexample")
  .option("--full-init", "print every variable of the initial state, not only what differs from idle")
  .option("--progress", "show the progress line even when stderr is not a terminal")
  .option("--quiet", "no progress line")
  .action(async (arg: string, opts: CheckOptions & TraceFileOptions & ProgressOptions) => {
    if (!opts.simulate && (opts.depth ?? opts.walks ?? opts.seconds ?? opts.seed) !== undefined)
      throw new EngineError("usage", "--depth, --walks, --seconds and --seed go with --simulate.");
    const itfFile = opts.itf === undefined ? undefined : checkItfTarget(opts.itf);
    // The native engine's worker threads load their code while the spec loads.
    if (opts.engine === "native" && opts.workers !== undefined && !opts.simulate && !opts.coverage && !opts.deadlock && !opts.reachable)
      prestartWorkers((opts.workers === "auto" ? autoWorkers() : opts.workers) - 1);
    const loaded = loadSpec(arg);
    assertStories(loaded);
    // One spec per check: the compiler's parsed files are not needed again, and the search can use their memory.
    releaseCompiler();
    collectGarbage();
    const progress = progressReporter(opts);
    const common = {
      loaded,
      specArg: arg,
      config: opts.config,
      variant: opts.variant,
      ...engineOf(opts.engine),
      tlcJar: opts.tlcJar,
      maxStates: opts.maxStates,
      timeoutMs: opts.timeout ? opts.timeout * 1000 : undefined,
      workers: opts.workers,
      symmetry: opts.symmetry,
      root: loaded.root,
      onProgress: progress.update,
      onEngine: progress.engine,
    };
    if (opts.simulate && opts.coverage)
      throw new EngineError("usage", "--coverage counts an exhaustive search; a simulation's summary already says which steps its walks took.", "Leave out --simulate or --coverage.");
    if (opts.reachable) {
      if (opts.invariant || opts.property || opts.deadlock || opts.simulate || opts.coverage)
        throw new EngineError("usage", "--reachable checks one goal alone: leave out --invariant, --property, --deadlock, --simulate and --coverage.");
      const goals = await checkGoals(common, [opts.reachable]).finally(progress.done);
      const first = goals[0];
      const ctx = first && { spec: applyVariant(loaded.spec, first.variant === loaded.spec.baseVariant ? null : first.variant), constants: constantValues(loaded.spec, first.config), fullInit: opts.fullInit };
      console.log(opts.json ? JSON.stringify({ spec: loaded.spec.name, reachability: goals }) : formatReachability(goals, ctx));
      process.exitCode = first && !first.reached ? exitCodes.violation : 0;
      return;
    }
    const result = await runCheck({
      ...common,
      invariant: opts.invariant,
      property: opts.property,
      deadlock: opts.deadlock,
      coverage: opts.coverage,
      ...(opts.simulate ? { simulate: { depth: opts.depth, walks: opts.walks, seconds: opts.seconds, seed: opts.seed } } : {}),
    }).finally(progress.done);
    const applied = applyVariant(loaded.spec, result.variant === loaded.spec.baseVariant ? null : result.variant);
    const ctx = { spec: applied, constants: constantValues(loaded.spec, result.config), fullInit: opts.fullInit };
    // The trace file is written before the verdict is printed: a failure to write it is the answer.
    if (itfFile) {
      const itf = traceToItf(applied, result);
      if (itf) await writeItf(itfFile, itf);
    }
    const symmetric = loaded.spec.domains.filter((d) => d.symmetric).map((d) => d.name);
    const coverageText = result.coverage ? [formatCoverage(result.coverage)] : [];
    // The goals are checked after the invariants, unless one invariant or a simulation was asked for.
    const goals = opts.invariant || opts.property || opts.simulate || !loaded.spec.reachables ? [] : await checkGoals({ ...common, config: result.config, variant: result.variant ?? undefined }).finally(progress.done);
    const goalText = goals.length ? [formatReachability(goals, ctx)] : [];
    console.log(
      opts.json
        ? JSON.stringify(goals.length ? { ...result, reachability: goals } : result)
        : [formatResult(result, ctx), ...nativeNotes(result, symmetric, tlcSymmetricDomains(loaded.spec), opts.symmetry), ...coverageText, ...goalText].join("\n"),
    );
    const model = opts.svg || opts.html ? resultModel(result, ctx) : undefined;
    if (model) await writeTraceFiles(model, opts, process.cwd(), formatResult({ ...result, trace: undefined }));
    process.exitCode = goals.some((g) => !g.reached) ? exitCodes.violation : exitCodes[result.verdict];
  });

program
  .command("report")
  .description("check every invariant and property of a spec in every variant and configuration; print the results table")
  .argument("<spec>", "spec folder, e.g. spec/raid5")
  .option("--configs <names>", "comma-separated configurations (default: all)")
  .option("--variants <names>", "comma-separated variants (default: all)")
  .addOption(new Option("--engine <engine>", "model checker (native-reference: the native engine's readable explorer)").choices(engines).default("auto"))
  .option("--tlc-jar <path>", "path to tla2tools.jar")
  .option("--workers <n>", "threads for TLC and the native engine (a number or auto)", workerCount)
  .option("--coverage", "count step and branch coverage in every check: a coverage column (and the counts in --json)")
  .option("--json", "print the rows (with counterexamples) as JSON")
  .option("--markdown", "print the table and the story of the shortest counterexample of each violated invariant")
  .option("--matrix", "one row per configuration and variant, a column per invariant and per property")
  .addOption(new Option("--kind <kind>", "only the invariants (with TypeOK) or only the temporal properties").choices(["invariant", "property"]))
  .option("--progress", "show the progress line even when stderr is not a terminal")
  .option("--quiet", "no progress line")
  .action(async (arg: string, opts: { configs?: string; variants?: string; engine: string; tlcJar?: string; workers?: number | "auto"; json?: boolean; markdown?: boolean; coverage?: boolean; matrix?: boolean; kind?: "invariant" | "property" } & ProgressOptions) => {
    const loaded = loadSpec(arg);
    if (opts.markdown) assertStories(loaded);
    const progress = progressReporter(opts);
    const rows = await buildReport({
      loaded,
      specArg: arg,
      ...engineOf(opts.engine),
      workers: opts.workers,
      configs: opts.configs?.split(","),
      variants: opts.variants?.split(","),
      tlcJar: opts.tlcJar,
      coverage: opts.coverage,
      kind: opts.kind,
      root: loaded.root,
      onProgress: progress.update,
      onEngine: progress.engine,
      onRow: opts.json
        ? progress.done
        : (r) => {
            progress.done();
            console.error(
              `${r.variant} / ${r.config} / ${r.invariant}: ${r.verdict} (${r.distinctStates} states${r.traceLength !== undefined ? `, ${r.traceLength}-step trace` : ""}, ${r.engine}, ${(r.durationMs / 1000).toFixed(1)} s)`,
            );
          },
    }).finally(progress.done);
    if (opts.json) console.log(JSON.stringify(rows.map(({ result, ...row }) => ({ ...row, trace: result.trace, ...(result.coverage ? { coverage: result.coverage } : {}) }))));
    else if (opts.markdown) console.log(reportMarkdown(rows, loaded.spec, { layout: opts.matrix ? "matrix" : "rows" }));
    else if (opts.matrix) console.log(reportMatrix(rows, ["TypeOK", ...loaded.spec.invariants.map((i) => i.name), ...loaded.spec.properties.map((p) => p.name)]));
    else console.log(reportTable(rows, ["TypeOK", ...loaded.spec.invariants.map((i) => i.name)]));
  });

program
  .command("conform")
  .description("check that the generated TLA+ module and reference library agree: lockstep successors, counterexample replay, state counts")
  .argument("<spec>", "spec folder, e.g. spec/examples/peterson")
  .option("--config <name>", "named configuration (default: \"default\" or the first)")
  .option("--variants <names>", "comma-separated variants (default: all)")
  .option("--max-states <n>", "compare successors of at most this many states", positiveInt)
  .option("--tlc-jar <path>", "path to tla2tools.jar (adds TLC to the state-count comparison)")
  .option("--json", "print the report as JSON")
  .action(async (arg: string, opts: { config?: string; variants?: string; maxStates?: number; tlcJar?: string; json?: boolean }) => {
    process.exitCode = await conformCommand(arg, { ...opts, variants: opts.variants?.split(",") });
  });

program.addCommand(showCommand(process.cwd()));
program.addCommand(readmeCommand(process.cwd()));
program.addCommand(diffCommand());

interface CheckOptions {
  config?: string;
  variant?: string;
  invariant?: string;
  property?: string;
  deadlock?: boolean;
  reachable?: string;
  engine: string;
  tlcJar?: string;
  maxStates?: number;
  timeout?: number;
  workers?: number | "auto";
  symmetry: boolean;
  coverage?: boolean;
  simulate?: boolean;
  depth?: number;
  walks?: number;
  seconds?: number;
  seed?: number;
  json?: boolean;
  itf?: string;
}

// A reader that goes away (`raidspec … | head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
});
// Whatever escapes (an error thrown from a callback, a rejected promise nobody awaited) is still
// reported as raidspec's own bug, never as a stack trace.
process.on("uncaughtException", (e) => process.exit(reportError(e, json)));
process.on("unhandledRejection", (e) => process.exit(reportError(e, json)));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // --help and --version end through exitOverride with exit code 0.
  const code = (e as { code?: string; exitCode?: number }).exitCode;
  if (code === 0 && ["commander.helpDisplayed", "commander.version", "commander.help"].includes((e as { code?: string }).code ?? "")) process.exitCode = 0;
  else process.exitCode = reportError(e, json);
}
