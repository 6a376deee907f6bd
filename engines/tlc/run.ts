/**
 * Runs TLC on a generated module and turns what happens into either a parsed result or an
 * EngineError of the right kind. The parsed `-tool` messages decide the verdict; TLC's exit code
 * (tlc2.output.EC.ExitStatus) is only checked against it and a disagreement becomes a warning.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { EngineError, type Progress } from "../result.ts";
import { progressStream } from "./progress-stream.ts";
import { runInGroup } from "./process-group.ts";
import { isTlcConfigErrorCode, parseTlcOutput, type TlcOutcome, type TlcOutput } from "./parse-output.ts";

export interface RunTlcOptions {
  jar: string;
  moduleFile: string;
  cfgFile: string;
  workers?: number | "auto";
  timeoutMs?: number;
  /** The Java launcher; "java" from PATH unless given. */
  java?: string;
  /**
   * Overrides the cfg's CHECK_DEADLOCK: false passes `-deadlock` (which turns deadlock checking off,
   * whatever the cfg says). Unset, the cfg decides; raidspec's cfgs say CHECK_DEADLOCK FALSE, so a
   * user running TLC on them by hand checks what raidspec checks.
   */
  checkDeadlock?: boolean;
  /** Where TLC keeps its state files; a folder inside the run's temporary folder unless given. */
  metaDir?: string;
  /** How messages name the module file (default: `moduleFile`), e.g. the committed artefact's path. */
  displayName?: string;
  /** Called with each progress report (message 2200) as TLC prints it; TLC then reports every 2 s. */
  onProgress?: (p: Progress) => void;
}

export type TlcRunResult = TlcOutput & { durationMs: number; exitCode: number };

/** TLC's exit statuses (tlc2.output.EC.ExitStatus). */
export const TlcExitStatus = {
  SUCCESS: 0,
  VIOLATION_ASSUMPTION: 10,
  VIOLATION_DEADLOCK: 11,
  VIOLATION_SAFETY: 12,
  VIOLATION_LIVENESS: 13,
  VIOLATION_ASSERT: 14,
  FAILURE_SPEC_EVAL: 75,
  FAILURE_SAFETY_EVAL: 76,
  FAILURE_LIVENESS_EVAL: 77,
  ERROR_SPEC_PARSE: 150,
  ERROR_CONFIG_PARSE: 151,
  ERROR_STATESPACE_TOO_LARGE: 152,
  ERROR_SYSTEM: 153,
  ERROR: 255,
} as const;

const EXPECTED_EXIT: Partial<Record<TlcOutcome, number>> = {
  ok: TlcExitStatus.SUCCESS,
  invariant: TlcExitStatus.VIOLATION_SAFETY,
  deadlock: TlcExitStatus.VIOLATION_DEADLOCK,
  property: TlcExitStatus.VIOLATION_LIVENESS,
  assertion: TlcExitStatus.VIOLATION_ASSERT,
};

const INSTALL_JAVA =
  "TLC needs Java 17 or newer: install a JDK or JRE (for example `apt-get install openjdk-17-jre-headless`, " +
  "`brew install openjdk@17`, or https://adoptium.net), make sure `java` is on PATH, or check with the embedded engine instead.";

/**
 * The command line, as a pure function of the options, so it can be checked without running Java.
 * `javaTmpDir` becomes the JVM's java.io.tmpdir, where TLC unpacks the standard modules into a
 * `tlc-<digits>` folder that it never removes: the runner points it into its own temporary folder.
 */
export function tlcCommandLine(opts: RunTlcOptions, metaDir: string, javaTmpDir?: string): { args: string[]; cwd: string } {
  const moduleFile = resolve(opts.moduleFile);
  const cwd = dirname(moduleFile);
  const cfgFile = resolve(opts.cfgFile);
  const cfgFromCwd = relative(cwd, cfgFile);
  // TLC resolves the config against the working directory; only leave that when the config is elsewhere.
  const cfgArg = cfgFromCwd.startsWith("..") || isAbsolute(cfgFromCwd) ? cfgFile : cfgFromCwd;
  const args = [
    // TLC reports progress once a minute unless told otherwise (TLCGlobals.progressInterval, seconds).
    ...(opts.onProgress ? ["-Dtlc2.TLC.progressInterval=2"] : []),
    "-XX:+UseParallelGC",
    ...(javaTmpDir ? [`-Djava.io.tmpdir=${javaTmpDir}`] : []),
    "-cp",
    resolve(opts.jar),
    "tlc2.TLC",
    "-tool",
    "-config",
    cfgArg,
    "-workers",
    String(opts.workers ?? "auto"),
    ...(opts.checkDeadlock === false ? ["-deadlock"] : []),
    "-metadir",
    metaDir,
    basename(moduleFile),
  ];
  return { args, cwd };
}

async function requireFile(path: string, kind: "jar-missing" | "usage", what: string): Promise<void> {
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) throw new EngineError(kind, `${what} ${path} does not exist.`);
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

function progressNote(output: TlcOutput): string {
  if (output.distinctStates === undefined) return "TLC reported no progress before it was stopped.";
  return `TLC had found ${output.distinctStates} distinct states (${output.generatedStates ?? "?"} generated, ${output.statesLeftOnQueue ?? "?"} left on the queue).`;
}

/** Problems the JVM reports on stderr before TLC prints anything. */
function javaLevelError(stderr: string, opts: RunTlcOptions, java: string): EngineError | undefined {
  if (/UnsupportedClassVersionError/.test(stderr)) {
    return new EngineError("java-missing", `${java} is too old for ${opts.jar}. ${INSTALL_JAVA}`, lastLines(stderr, 20));
  }
  if (/Could not find or load main class tlc2\.TLC/.test(stderr)) {
    return new EngineError(
      "jar-missing",
      `${opts.jar} does not contain TLC (tlc2.TLC); point --tlc-jar or TLA2TOOLS_JAR at tla2tools.jar.`,
      lastLines(stderr, 20),
    );
  }
  return undefined;
}

/**
 * "TLC's parser (SANY) rejected Raid5.tla:" and, per error, `<file>:<line>:<col>: <message>` (the
 * file when the error is in the checked module, the module name when it is in another one).
 */
function sanyRejection(output: TlcOutput, opts: RunTlcOptions): string {
  const file = opts.displayName ?? opts.moduleFile;
  const module = basename(opts.moduleFile).replace(/\.tla$/, "");
  const errors = output.sany
    .filter((m) => m.severity === "error")
    .map((m) => {
      const where = m.location ? `${m.location.module === module || m.location.module === "" ? file : m.location.module}:${m.location.line}:${m.location.column}: ` : "";
      return `  ${where}${m.message.replace(/\s*\n\s*/g, " ")}`;
    });
  return [`TLC's parser (SANY) rejected ${basename(file)}${errors.length ? ":" : "."}`, ...errors].join("\n");
}

/** Turns a finished process and its parsed output into the result, or the error that explains it. */
export function interpretTlcRun(
  output: TlcOutput,
  run: { exitCode: number; stderr: string; durationMs: number },
  opts: RunTlcOptions,
): TlcRunResult {
  const java = opts.java ?? "java";
  const module = basename(opts.moduleFile);
  const errorText = [...output.errors, lastLines(run.stderr, 40)].filter((t) => t.trim() !== "").join("\n\n");

  if (output.outcome === "sany-error") {
    throw new EngineError("parse", sanyRejection(output, opts), output.errors.join("\n\n"));
  }
  if (output.messages.some((m) => isTlcConfigErrorCode(m.code)) && output.violations.length === 0) {
    throw new EngineError("parse", `TLC rejected the configuration ${basename(opts.cfgFile)}.`, errorText);
  }
  if (output.outcome === "error" || output.outcome === "incomplete") {
    const javaError = output.messages.length === 0 ? javaLevelError(run.stderr, opts, java) : undefined;
    if (javaError) throw javaError;
    const how = output.outcome === "error" ? "reported an error" : "stopped without a verdict";
    throw new EngineError("crash", `TLC ${how} while checking ${module} (exit code ${run.exitCode}).`, errorText || undefined);
  }

  const warnings = [...output.warnings];
  const expected = EXPECTED_EXIT[output.outcome];
  if (expected !== undefined && expected !== run.exitCode) {
    warnings.push(`TLC exited with code ${run.exitCode}, where its messages (${output.outcome}) lead to ${expected}; the messages decide.`);
  }
  return { ...output, warnings, durationMs: run.durationMs, exitCode: run.exitCode };
}

/** Runs `java … tlc2.TLC -tool` in the module's folder and returns the parsed output. */
export async function runTlc(opts: RunTlcOptions): Promise<TlcRunResult> {
  const java = opts.java ?? "java";
  await requireFile(resolve(opts.jar), "jar-missing", "The TLC jar");
  await requireFile(resolve(opts.moduleFile), "usage", "The TLA+ module");
  await requireFile(resolve(opts.cfgFile), "usage", "The TLC configuration");

  // One temporary folder per run holds TLC's state files and the JVM's temporary files; it is
  // removed afterwards, whatever the outcome.
  const runDir = await mkdtemp(join(tmpdir(), "raidspec-tlc-"));
  const metaDir = opts.metaDir ?? join(runDir, "states");
  const javaTmpDir = join(runDir, "java-tmp");
  const started = performance.now();
  try {
    await mkdir(javaTmpDir);
    const { args, cwd } = tlcCommandLine(opts, metaDir, javaTmpDir);
    const result = await runInGroup(java, args, { cwd, timeoutMs: opts.timeoutMs, onStdout: opts.onProgress ? progressStream(opts.onProgress, started) : undefined });
    const durationMs = Math.round(performance.now() - started);
    const { stdout, stderr } = result;

    if (result.spawnError) {
      throw new EngineError("java-missing", `Could not start Java (\`${java}\`: ${result.spawnError}). ${INSTALL_JAVA}`);
    }
    if (result.interrupted) throw new EngineError("interrupted", `TLC was stopped (interrupted) while checking ${basename(opts.moduleFile)}.`);
    const output = parseTlcOutput(stdout);
    if (result.timedOut) {
      throw new EngineError(
        "timeout",
        `TLC did not finish checking ${basename(opts.moduleFile)} within ${opts.timeoutMs} ms. ${progressNote(output)}`,
        lastLines(stdout, 40) || undefined,
      );
    }
    if (result.exitCode === undefined) {
      throw new EngineError("crash", `TLC was stopped (${result.signal ?? "no exit code"}) while checking ${basename(opts.moduleFile)}.`, lastLines(stderr, 40) || undefined);
    }
    return interpretTlcRun(output, { exitCode: result.exitCode, stderr, durationMs }, opts);
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}
