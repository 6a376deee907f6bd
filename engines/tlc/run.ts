/**
 * Runs TLC on a generated module and turns what happens into either a parsed result or an
 * EngineError of the right kind. The parsed `-tool` messages decide the verdict; TLC's exit code
 * (tlc2.output.EC.ExitStatus) is only checked against it and a disagreement becomes a warning.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { runInGroup } from "./process-group.ts";
import { EngineError } from "../result.ts";
import { isTlcConfigErrorCode, parseTlcOutput, type TlcOutcome, type TlcOutput } from "./parse-output.ts";

export interface RunTlcOptions {
  jar: string;
  moduleFile: string;
  cfgFile: string;
  workers?: number | "auto";
  timeoutMs?: number;
  /** The Java launcher; "java" from PATH unless given. */
  java?: string;
  /** TLC checks deadlock by default; raidspec specs opt in, so false passes `-deadlock` (which turns it off). */
  checkDeadlock?: boolean;
  /** Where TLC keeps its state files; a fresh temporary folder (removed afterwards) unless given. */
  metaDir?: string;
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

/** The command line, as a pure function of the options, so it can be checked without running Java. */
export function tlcCommandLine(opts: RunTlcOptions, metaDir: string): { args: string[]; cwd: string } {
  const moduleFile = resolve(opts.moduleFile);
  const cwd = dirname(moduleFile);
  const cfgFile = resolve(opts.cfgFile);
  const cfgFromCwd = relative(cwd, cfgFile);
  // TLC resolves the config against the working directory; only leave that when the config is elsewhere.
  const cfgArg = cfgFromCwd.startsWith("..") || isAbsolute(cfgFromCwd) ? cfgFile : cfgFromCwd;
  const args = [
    "-XX:+UseParallelGC",
    "-cp",
    resolve(opts.jar),
    "tlc2.TLC",
    "-tool",
    "-config",
    cfgArg,
    "-workers",
    String(opts.workers ?? "auto"),
    ...(opts.checkDeadlock ? [] : ["-deadlock"]),
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
    throw new EngineError("parse", `TLC's parser (SANY) rejected ${module}.`, output.errors.join("\n\n"));
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

  const ownMetaDir = opts.metaDir === undefined;
  const metaDir = opts.metaDir ?? (await mkdtemp(join(tmpdir(), "raidspec-tlc-")));
  const { args, cwd } = tlcCommandLine(opts, metaDir);
  const started = performance.now();
  try {
    const result = await runInGroup(java, args, { cwd, timeoutMs: opts.timeoutMs });
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
    if (ownMetaDir) await rm(metaDir, { recursive: true, force: true });
  }
}
