/**
 * Process plumbing of runTlc, proved with a stand-in for `java`: a small Node script that records how
 * it was called and replays a recorded TLC `-tool` output with a chosen exit code. No TLC runs here,
 * so nothing in this file says anything about a model; the verdicts asserted are those of the
 * recordings.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sharedFixtures } from "./shared-fixtures.ts";
import { EngineError, exitCodes } from "../engines/result.ts";
import { runTlc, tlcCommandLine, type RunTlcOptions } from "../engines/tlc/run.ts";

const FIXTURES = sharedFixtures("tlc-output");

interface Recorded {
  args: string[];
  cwd: string;
  /** The folder named by -Djava.io.tmpdir existed while the stand-in ran. */
  javaTmpExisted: boolean;
}

const javaTmpDirOf = (call: Recorded): string => call.args.find((a) => a.startsWith("-Djava.io.tmpdir="))?.slice("-Djava.io.tmpdir=".length) ?? "";

let root: string;
let specDir: string;
let jar: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "raidspec-tlcrun-"));
  specDir = join(root, "spec dir");
  mkdirSync(specDir);
  writeFileSync(join(specDir, "M.tla"), "---- MODULE M ----\n====\n");
  writeFileSync(join(specDir, "M.cfg"), "INIT Init\n");
  jar = join(root, "tla2tools.jar");
  writeFileSync(jar, "stand-in");
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes the stand-in `java`: replays `fixture` (or prints nothing) on stdout, then exits with `exitCode`. */
function fakeJava(opts: { fixture?: string; exitCode: number; stderr?: string; sleepMs?: number }): { java: string; record: string } {
  const record = join(root, "call.json");
  const java = join(root, "fake-java");
  const script = `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
const t = args.find((a) => a.startsWith("-Djava.io.tmpdir="));
const javaTmp = t ? t.slice("-Djava.io.tmpdir=".length) : "";
// What TLC does with its java.io.tmpdir: unpack the standard modules into a tlc-<digits> folder.
if (javaTmp && fs.existsSync(javaTmp)) fs.mkdirSync(require("path").join(javaTmp, "tlc-1234567890"));
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, cwd: process.cwd(), javaTmpExisted: !!javaTmp && fs.existsSync(javaTmp) }));
const replay = () => {
  ${opts.fixture ? `process.stdout.write(fs.readFileSync(${JSON.stringify(join(FIXTURES, opts.fixture))}));` : ""}
  process.stderr.write(${JSON.stringify(opts.stderr ?? "")});
  process.exitCode = ${opts.exitCode};
};
setTimeout(replay, ${opts.sleepMs ?? 0});
`;
  writeFileSync(java, script);
  chmodSync(java, 0o755);
  return { java, record };
}

function recorded(record: string): Recorded {
  return JSON.parse(readFileSync(record, "utf8")) as Recorded;
}

function options(java: string, extra: Partial<RunTlcOptions> = {}): RunTlcOptions {
  return { jar, moduleFile: join(specDir, "M.tla"), cfgFile: join(specDir, "M.cfg"), java, ...extra };
}

async function engineError(p: Promise<unknown>): Promise<EngineError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe("runTlc with a stand-in java replaying recorded TLC outputs", () => {
  it("replay of a recorded TLC output (error-trace.out, exit 12): passes TLC's arguments in the module's folder", async () => {
    const { java, record } = fakeJava({ fixture: "error-trace.out", exitCode: 12 });
    const result = await runTlc(options(java));
    const call = recorded(record);
    expect(call.cwd).toBe(specDir);
    const metaDir = call.args[call.args.indexOf("-metadir") + 1] ?? "";
    const javaTmp = javaTmpDirOf(call);
    expect(call.args).toEqual([
      "-XX:+UseParallelGC",
      `-Djava.io.tmpdir=${javaTmp}`,
      "-cp",
      jar,
      "tlc2.TLC",
      "-tool",
      "-config",
      "M.cfg",
      "-workers",
      "auto",
      "-metadir",
      metaDir,
      "M.tla",
    ]);
    // The cfg decides deadlock checking (raidspec's cfgs say CHECK_DEADLOCK FALSE): no -deadlock flag.
    expect(call.args).not.toContain("-deadlock");
    // The metadir (TLC creates it) and the JVM's temporary folder, where TLC leaves a tlc-<digits>
    // folder, are inside one temporary folder of the run: it existed while "TLC" ran and is gone now.
    expect(call.javaTmpExisted).toBe(true);
    expect(dirname(javaTmp)).toBe(dirname(metaDir));
    expect(dirname(javaTmp).startsWith(tmpdir())).toBe(true);
    expect(existsSync(dirname(javaTmp))).toBe(false);
    expect(result.exitCode).toBe(12);
    expect(result.outcome).toBe("invariant");
    expect(result.violatedInvariant).toBe("FooInvariant");
    expect(result.trace).toHaveLength(3);
    expect(result.warnings).toEqual([]);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("replay of a recorded TLC output (coverage-with-location.out, exit 0): deadlock checking turned off by flag, fixed workers, caller's metadir", async () => {
    const { java, record } = fakeJava({ fixture: "coverage-with-location.out", exitCode: 0 });
    const metaDir = join(root, "meta");
    mkdirSync(metaDir);
    const result = await runTlc(options(java, { checkDeadlock: false, workers: 4, metaDir }));
    const call = recorded(record);
    expect(call.args).toContain("-deadlock");
    // The caller's metadir stays; the run's own temporary folder does not.
    expect(existsSync(dirname(javaTmpDirOf(call)))).toBe(false);
    expect(call.args.slice(call.args.indexOf("-workers"), call.args.indexOf("-workers") + 2)).toEqual(["-workers", "4"]);
    expect(call.args.slice(-3)).toEqual(["-metadir", metaDir, "M.tla"]);
    expect(existsSync(metaDir)).toBe(true);
    expect(result.outcome).toBe("ok");
    expect(result.exitCode).toBe(0);
    expect(result.distinctStates).toBe(3);
  });

  it("replay of a recorded TLC output (warning.out) with a mismatching exit code: the messages decide, with a warning", async () => {
    const { java } = fakeJava({ fixture: "warning.out", exitCode: 12 });
    const result = await runTlc(options(java));
    expect(result.outcome).toBe("ok");
    expect(result.warnings.at(-1)).toMatch(/exited with code 12.*messages decide/);
  });

  it("replay of a recorded TLC output (sany-error.out, exit 150): SANY's error becomes a parse error with its text", async () => {
    const { java } = fakeJava({ fixture: "sany-error.out", exitCode: 150 });
    const error = await engineError(runTlc(options(java)));
    expect(error.kind).toBe("parse");
    expect(error.message).toContain("M.tla");
    expect(error.detail).toContain("line 5, col 8 to line 5, col 8 of module foo: Unknown operator: `a'.");
  });

  it("replay of TLC's real rejection of a raidspec module (tlc-raidspec/Raid5__small.sany.out, exit 150): exit 5, naming file:line:col", async () => {
    const { java, record } = fakeJava({ fixture: "../tlc-raidspec/Raid5__small.sany.out", exitCode: 150 });
    writeFileSync(join(specDir, "Raid5.tla"), "---- MODULE Raid5 ----\n====\n");
    const error = await engineError(runTlc(options(java, { moduleFile: join(specDir, "Raid5.tla"), displayName: "tla/raid5/Raid5.tla" })));
    expect(error.kind).toBe("parse");
    expect(exitCodes[error.kind]).toBe(5);
    expect(error.message).toBe(
      "TLC's parser (SANY) rejected Raid5.tla:\n" +
        "  tla/raid5/Raid5.tla:317:47: Multiply-defined symbol 'anyKey': this definition or declaration conflicts with the one at line 317, col 23 to line 317, col 28 of module Raid5.",
    );
    expect(error.detail).toContain("Parsing or semantic analysis failed.");
    expect(existsSync(dirname(javaTmpDirOf(recorded(record))))).toBe(false);
  });

  it("replay of a recorded TLC output (error-message-links.out, exit 75): an evaluation error without a verdict is a crash", async () => {
    const { java } = fakeJava({ fixture: "error-message-links.out", exitCode: 75 });
    const error = await engineError(runTlc(options(java)));
    expect(error.kind).toBe("crash");
    expect(error.message).toContain("exit code 75");
    expect(error.detail).toContain("The error occurred when TLC was evaluating the nested");
  });

  it("replay of a recorded TLC output (nested-exception-message.out, exit 151): a config-file error names the config", async () => {
    const { java } = fakeJava({ fixture: "nested-exception-message.out", exitCode: 151 });
    const error = await engineError(runTlc(options(java)));
    expect(error.kind).toBe("parse");
    expect(error.message).toContain("M.cfg");
    expect(error.detail).toContain("It was expecting = or <-, but did not find it.");
  });

  it("replay of a recorded TLC output (localized-ints.out, cut off, exit 1): no verdict is a crash", async () => {
    const { java } = fakeJava({ fixture: "localized-ints.out", exitCode: 1 });
    const error = await engineError(runTlc(options(java)));
    expect(error.kind).toBe("crash");
    expect(error.message).toMatch(/without a verdict/);
  });

  it("a stand-in java that only fails on stderr (exit 1): a crash carrying stderr", async () => {
    const { java } = fakeJava({ exitCode: 1, stderr: "Exception in thread main java.lang.OutOfMemoryError\n" });
    const error = await engineError(runTlc(options(java)));
    expect(error.kind).toBe("crash");
    expect(error.detail).toContain("OutOfMemoryError");
  });

  it("a stand-in java reporting a jar without tlc2.TLC: jar-missing", async () => {
    const { java } = fakeJava({ exitCode: 1, stderr: "Error: Could not find or load main class tlc2.TLC\n" });
    const error = await engineError(runTlc(options(java)));
    expect(error.kind).toBe("jar-missing");
  });

  it("a stand-in java that outlives the timeout: timeout, and the temporary metadir is removed", async () => {
    const { java, record } = fakeJava({ fixture: "coverage-with-location.out", exitCode: 0, sleepMs: 20_000 });
    const started = Date.now();
    const error = await engineError(runTlc(options(java, { timeoutMs: 500 })));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("500 ms");
    // Whatever the outcome, the run's temporary folder is gone.
    expect(existsSync(dirname(javaTmpDirOf(recorded(record))))).toBe(false);
  });

  it("a java that does not exist: java-missing with a sentence on installing Java 17+", async () => {
    const error = await engineError(runTlc(options(join(root, "no-such-java"))));
    expect(error.kind).toBe("java-missing");
    expect(error.message).toContain("ENOENT");
    expect(error.message).toMatch(/Java 17 or newer/);
  });

  it("a jar that does not exist: jar-missing before anything runs", async () => {
    const { java, record } = fakeJava({ fixture: "warning.out", exitCode: 0 });
    const error = await engineError(runTlc({ ...options(java), jar: join(root, "missing.jar") }));
    expect(error.kind).toBe("jar-missing");
    expect(existsSync(record)).toBe(false);
  });

  it("a module that does not exist: a usage error", async () => {
    const { java } = fakeJava({ fixture: "warning.out", exitCode: 0 });
    const error = await engineError(runTlc({ ...options(java), moduleFile: join(specDir, "Nope.tla") }));
    expect(error.kind).toBe("usage");
  });
});

describe("tlcCommandLine", () => {
  it("passes a config kept outside the module's folder by its absolute path", () => {
    const { args, cwd } = tlcCommandLine({ jar: "/j/tla2tools.jar", moduleFile: "/a/M.tla", cfgFile: "/b/M.cfg" }, "/tmp/meta");
    expect(cwd).toBe("/a");
    expect(args[args.indexOf("-config") + 1]).toBe("/b/M.cfg");
  });
});
