/**
 * The bad-input corpus (test/fixtures/bad-specs/): one fault per spec, each with an expect.json that
 * says why it is wrong, the exit code, the file:line:column and the message raidspec must give. Specs
 * the front end rejects (exit 2) are loaded in-process; specs that load but leave TLA+'s domains at
 * run time (exit 6) are checked on every engine named, TLC only where TLA2TOOLS_JAR names a jar. A
 * handful go through the real command line, and no entry may print a stack trace.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { describeError } from "../cli/errors.ts";
import { runCheck } from "../engines/check.ts";
import type { EngineName } from "../engines/result.ts";
import { loadSpec } from "../generator/frontend/load.ts";

const CORPUS = "test/fixtures/bad-specs";
const jar = process.env.TLA2TOOLS_JAR;

interface Expectation {
  why: string;
  /** The file to name instead of the folder (e.g. a README.md). */
  arg?: string;
  /** Options of the check (e.g. which invariant). */
  check?: { invariant?: string };
  exit: 2 | 6;
  engines?: EngineName[];
  /** line:column of the statement or declaration the message points at. */
  at: string;
  message: string;
}

const folders = readdirSync(CORPUS).sort();
const withoutExpectation = folders.filter((name) => !existsSync(path.join(CORPUS, name, "expect.json")));
const entries = folders
  .filter((name) => !withoutExpectation.includes(name))
  .map((name) => ({ name, expect: JSON.parse(readFileSync(path.join(CORPUS, name, "expect.json"), "utf8")) as Expectation }));

const argOf = (e: (typeof entries)[number]) => path.join(CORPUS, e.name, e.expect.arg ?? "");
const fileOf = (e: (typeof entries)[number]) => path.join(CORPUS, e.name, e.expect.arg ?? "spec.ts");

type Answer = ReturnType<typeof describeError> | { verdict: string };
const answers = new Map<string, Promise<Answer>>();

/** What raidspec answers for an entry on one engine (the front end's error when it does not load); computed once. */
function answer(e: (typeof entries)[number], engine: EngineName): Promise<Answer> {
  const key = `${e.name} ${engine}`;
  let a = answers.get(key);
  if (!a) {
    a = compute(e, engine);
    answers.set(key, a);
  }
  return a;
}

async function compute(e: (typeof entries)[number], engine: EngineName): Promise<Answer> {
  let loaded;
  try {
    loaded = loadSpec(argOf(e));
  } catch (error) {
    return describeError(error);
  }
  try {
    const r = await runCheck({ loaded, specArg: argOf(e), engine, root: loaded.root, ...e.expect.check });
    return { verdict: r.verdict };
  } catch (error) {
    return describeError(error);
  }
}

const stackTrace = /\n\s+at .*(\(|\s)\S+:\d+:\d+\)?/;

describe("bad-input corpus", () => {
  it("every entry says what it must give (an expect.json: why, exit, at, message)", () => {
    expect(withoutExpectation, "add an expect.json to these corpus entries").toEqual([]);
  });

  it("has at least 60 entries, each with one fault described", () => {
    expect(entries.length).toBeGreaterThanOrEqual(60);
    for (const e of entries) expect(e.expect.why.length, e.name).toBeGreaterThan(10);
  });

  const rejected = entries.filter((e) => e.expect.exit === 2);
  it.each(rejected.map((e) => [e.name, e] as const))("%s: rejected by the front end at its file:line:col", async (_name, e) => {
    const a = await answer(e, "native");
    if ("verdict" in a) throw new Error(`${e.name} loaded and gave a verdict (${a.verdict})`);
    const { report, exitCode, text } = a;
    expect(exitCode).toBe(2);
    expect(report.kind).toBe("spec");
    expect(`${report.file}:${report.line}:${report.column}`).toBe(`${fileOf(e)}:${e.expect.at}`);
    expect(report.message).toContain(e.expect.message);
    expect(text).not.toMatch(stackTrace);
  });

  const runtime = entries.filter((e) => e.expect.exit === 6);
  const cases = runtime.flatMap((e) => (e.expect.engines ?? ["native"]).map((engine) => [`${e.name} on ${engine}`, e, engine] as const));
  it.each(cases.filter(([, , engine]) => engine !== "tlc"))("%s: stops with a located evaluation error (exit 6)", async (_label, e, engine) => {
    const a = await answer(e, engine);
    if ("verdict" in a) throw new Error(`${e.name} on ${engine} gave a verdict (${a.verdict}) where TLC stops with an error`);
    expect(a.exitCode).toBe(6);
    expect(`${a.report.file}:${a.report.line}:${a.report.column}`).toBe(`${fileOf(e)}:${e.expect.at}`);
    expect(a.report.message).toBe(`${fileOf(e)}:${e.expect.at}: error: ${e.expect.message}`);
    expect(a.text).not.toMatch(stackTrace);
  }, 60_000);

  it.skipIf(!jar).each(cases.filter(([, , engine]) => engine === "tlc"))("%s (real TLC from TLA2TOOLS_JAR): the same located error", async (_label, e, engine) => {
    const a = await answer(e, engine);
    if ("verdict" in a) throw new Error(`TLC gave a verdict (${a.verdict})`);
    expect(a.exitCode).toBe(6);
    expect(a.report.message).toBe(`${fileOf(e)}:${e.expect.at}: error: ${e.expect.message}`);
    expect(a.report.detail).toMatch(/^TLC stops here too/);
  }, 120_000);

  it("no entry prints a stack trace, whatever it is (every answer is an exit code raidspec documents)", async () => {
    for (const e of entries) {
      const a = await answer(e, "native");
      if ("verdict" in a) throw new Error(`${e.name} gave a verdict`);
      expect([2, 6], e.name).toContain(a.exitCode);
      expect(a.text, e.name).not.toMatch(stackTrace);
      expect(a.text, e.name).not.toMatch(/internal error/);
    }
  }, 120_000);
});

describe("bad-input corpus through the real command line", () => {
  const cli = (...args: string[]) => execa("node", ["bin/raidspec.js", ...args], { reject: false, env: { TLA2TOOLS_JAR: "" } });

  it("a handful of entries: the same exit code, location and message, no stack trace; --json puts the error on stdout", async () => {
    const pick = (n: string) => entries.find((x) => x.name === n) ?? (() => { throw new Error(`no corpus entry ${n}`); })();
    // The command line costs seconds per process: three entries as text, two as JSON, all at once.
    const text = ["deep-ternary", "not-typescript", "read-outside-keys"].map(pick);
    const json = ["spec-name-space", "overflow-mul-unchecked"].map(pick);
    const args = (e: (typeof entries)[number]) => ["check", argOf(e), "--engine", "native", ...(e.expect.check?.invariant ? ["--invariant", e.expect.check.invariant] : [])];
    const [textRuns, jsonRuns] = await Promise.all([Promise.all(text.map((e) => cli(...args(e)))), Promise.all(json.map((e) => cli(...args(e), "--json")))]);
    text.forEach((e, i) => {
      const r = textRuns[i];
      expect(r?.exitCode, e.name).toBe(e.expect.exit);
      expect(r?.stderr.startsWith(`${fileOf(e)}:${e.expect.at}: error: ${e.expect.message}`), `${e.name}: ${r?.stderr}`).toBe(true);
      expect(r?.stderr).not.toMatch(stackTrace);
    });
    json.forEach((e, i) => {
      const r = jsonRuns[i];
      expect(r?.exitCode, e.name).toBe(e.expect.exit);
      const error = (JSON.parse(r?.stdout ?? "") as { error: { kind: string; message: string; file: string; line: number; column: number } }).error;
      expect(`${error.file}:${error.line}:${error.column}`).toBe(`${fileOf(e)}:${e.expect.at}`);
      expect(error.message).toContain(e.expect.message);
      expect(error.kind).toBe(e.expect.exit === 2 ? "spec" : "crash");
    });
  }, 120_000);
});
