/**
 * How the command line fails: --version, errors as JSON on stdout with --json, --itf that refuses to
 * overwrite what is not an earlier trace (and never leaves a temporary file), internal errors as a
 * one-line bug report with their own exit code, and paths taken relative to the working directory
 * while output goes to the spec's project. The CLI costs seconds per process: the runs go in parallel.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUG_NOTE, describeError } from "../cli/errors.ts";
import { runCheck } from "../engines/check.ts";
import { exitCodes } from "../engines/result.ts";
import { loadSpec } from "../generator/frontend/load.ts";

const repo = process.cwd();
const bin = path.join(repo, "bin/raidspec.js");
const cli = (args: string[], cwd = repo) => execa("node", [bin, ...args], { reject: false, cwd, env: { TLA2TOOLS_JAR: "" } });
const stackTrace = /\n\s+at .*(\(|\s)\S+:\d+:\d+\)?/;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "raidspec-cli-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("raidspec command line errors", () => {
  it("--version, --json errors, --itf refusals, and gen from another folder", async () => {
    const library = readFileSync(path.join(repo, "reference/peterson.ts"), "utf8");
    const trace = path.join(scratch, "trace.itf.json");
    const noTurn = ["check", "spec/examples/peterson", "--variant", "noTurn", "--engine", "native"];
    const [version, unknownOption, overLibrary, onFolder, intoProc, intoMissing, fromSpecFolder, first] = await Promise.all([
      cli(["--version"]),
      cli(["check", "spec/examples/peterson", "--bogus", "--json"]),
      cli([...noTurn, "--itf", "reference/peterson.ts"]),
      cli([...noTurn, "--itf", scratch, "--json"]),
      cli([...noTurn, "--itf", "/proc/raidspec-trace.json"]),
      cli([...noTurn, "--itf", path.join(scratch, "no-such-folder", "t.json")]),
      cli(["gen", "examples/peterson", "--check"], path.join(repo, "spec")),
      cli([...noTurn, "--itf", trace]),
    ]);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^raidspec \d+\.\d+\.\d+$/);

    expect(unknownOption.exitCode).toBe(2);
    expect(JSON.parse(unknownOption.stdout)).toEqual({ error: { kind: "usage", message: "unknown option '--bogus'" } });

    expect(overLibrary.exitCode).toBe(2);
    expect(overLibrary.stderr).toContain("--itf reference/peterson.ts exists and is not an ITF trace: raidspec does not overwrite it.");
    expect(readFileSync(path.join(repo, "reference/peterson.ts"), "utf8")).toBe(library);

    expect(onFolder.exitCode).toBe(2);
    expect(JSON.parse(onFolder.stdout).error).toMatchObject({ kind: "usage", message: `--itf ${scratch} is a folder.` });
    expect(readdirSync(path.dirname(scratch)).filter((f) => f.startsWith(path.basename(scratch)) && f.endsWith(".tmp"))).toEqual([]);

    // The verdict is not printed before the trace file fails: the error is the answer.
    if (existsSync("/proc")) {
      expect(intoProc.exitCode).toBe(2);
      expect(intoProc.stdout).toBe("");
      expect(intoProc.stderr).toMatch(/^raidspec: Could not write the ITF trace to \/proc\/raidspec-trace\.json/);
    }
    expect(intoMissing.exitCode).toBe(2);
    expect(intoMissing.stderr).toContain("does not exist");

    expect(fromSpecFolder.exitCode).toBe(0);
    expect(fromSpecFolder.stdout).toContain("Generated files are up to date (1 specs).");

    expect(first.exitCode).toBe(1);
    const again = await cli([...noTurn, "--itf", trace]);
    expect(again.exitCode).toBe(1); // an earlier ITF trace may be replaced
    expect(JSON.parse(readFileSync(trace, "utf8"))["#meta"].format).toBe("ITF");
    expect(readdirSync(scratch).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    for (const r of [unknownOption, overLibrary, onFolder, intoProc, intoMissing]) expect(`${r.stdout}\n${r.stderr}`).not.toMatch(stackTrace);
  }, 120_000);
});

describe("errors raidspec did not foresee", () => {
  it("are internal errors: exit 9, one line and the bug note, no stack trace", () => {
    for (const e of [new TypeError("Cannot read properties of undefined (reading 'flags')"), new RangeError("Maximum call stack size exceeded"), "a string"]) {
      const d = describeError(e);
      expect(d.exitCode).toBe(exitCodes.internal);
      expect(d.exitCode).toBe(9);
      expect(d.report.kind).toBe("internal");
      const [line, note, ...rest] = d.text.split("\n");
      expect(line).toMatch(/^raidspec: internal error: /);
      expect(note).toBe(BUG_NOTE);
      expect(rest).toEqual([]);
    }
  });
});

describe("inputs that used to end in an internal error", () => {
  it("a TLA+ reserved word bound in a step (const UNION = 1) is renamed in the TLA+: native and embedded agree (4 states)", async () => {
    const loaded = loadSpec("test/fixtures/reserved-bound-name");
    for (const engine of ["native", "embedded"] as const) {
      const r = await runCheck({ loaded, specArg: "test/fixtures/reserved-bound-name", engine, root: loaded.root });
      expect(r, engine).toMatchObject({ verdict: "ok", distinctStates: 4 });
    }
  }, 60_000);
});
