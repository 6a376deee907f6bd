/**
 * Every engine answers from the spec as it is now, never from a stale or foreign generated file; a
 * spec's output folder belongs to it alone; generated files do not depend on the working directory
 * or on how the spec path is spelled; leftovers of an interrupted gen confuse nothing. Each test works
 * in a scratch project (a package.json and a copy of Peterson), never in the repository.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { genCommand } from "../cli/gen.ts";
import { runCheck } from "../engines/check.ts";
import { buildReport } from "../engines/report.ts";
import { EngineError } from "../engines/result.ts";
import { SpecError } from "../generator/frontend/errors.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { artefactsOf } from "../generator/write.ts";

const repo = process.cwd();
const dsl = path.join(repo, "spec/dsl/index.ts");
let project: string;

/** Peterson's source with the DSL imported from the repository (optionally with an edit). */
function peterson(edit: (text: string) => string = (t) => t): string {
  return edit(readFileSync(path.join(repo, "spec/examples/peterson/spec.ts"), "utf8").replace('"../../dsl/index.ts"', JSON.stringify(dsl)));
}

function write(rel: string, text: string): string {
  const file = path.join(project, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const falseInvariant = (t: string) => t.replace('!(s.pc[0] === "cs" && s.pc[1] === "cs")', "s.turn === 0");

beforeEach(() => {
  project = realpathSync(mkdtempSync(path.join(tmpdir(), "raidspec-project-")));
  write("package.json", '{ "name": "scratch", "private": true, "type": "module" }\n');
  write("spec/examples/peterson/spec.ts", peterson());
  // What a checkout has committed: the generated files of the unedited Peterson.
  cpSync(path.join(repo, "reference/peterson.ts"), path.join(project, "reference/peterson.ts"));
  cpSync(path.join(repo, "tla/peterson"), path.join(project, "tla/peterson"), { recursive: true });
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

describe("engines answer from the spec as it is now", () => {
  it("an invariant made false without gen: native, embedded and report see the violation (the committed reference/ says it holds)", async () => {
    write("spec/examples/peterson/spec.ts", peterson(falseInvariant));
    const loaded = loadSpec(path.join(project, "spec/examples/peterson"));
    expect(loaded.root).toBe(project);
    for (const engine of ["native", "embedded"] as const) {
      const r = await runCheck({ loaded, specArg: "spec/examples/peterson", engine, invariant: "MutualExclusion", root: loaded.root });
      expect(r.verdict, engine).toBe("violation");
      expect(r.invariant).toBe("MutualExclusion");
    }
    const rows = await buildReport({ loaded, specArg: "spec/examples/peterson", engine: "native", variants: ["base"], root: loaded.root });
    expect(rows.find((row) => row.invariant === "MutualExclusion")?.verdict).toBe("violation");
    // The committed library is untouched and still says the old thing: nothing read it.
    expect(readFileSync(path.join(project, "reference/peterson.ts"), "utf8")).toBe(readFileSync(path.join(repo, "reference/peterson.ts"), "utf8"));
  }, 60_000);

  it("a foreign library in reference/peterson.ts changes nothing: the real Peterson holds on native (26 states)", async () => {
    write("some/other/dir/peterson/spec.ts", peterson(falseInvariant));
    const foreign = loadSpec(path.join(project, "some/other/dir/peterson"));
    const { renderReference } = await import("../generator/typescript/reference.ts");
    writeFileSync(path.join(project, "reference/peterson.ts"), renderReference(foreign.spec));
    const loaded = loadSpec(path.join(project, "spec/examples/peterson"));
    const r = await runCheck({ loaded, specArg: "spec/examples/peterson", engine: "native", root: loaded.root });
    expect(r).toMatchObject({ verdict: "ok", distinctStates: 26 });
  }, 60_000);
});

describe("a spec's output folder belongs to it", () => {
  it("gen of another spec with the same id is refused, naming both, and writes nothing", async () => {
    write("some/other/dir/peterson/spec.ts", peterson(falseInvariant));
    const before = readFileSync(path.join(project, "reference/peterson.ts"), "utf8");
    const error = await genCommand(["some/other/dir/peterson"], { cwd: project }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).message).toMatch(/^some\/other\/dir\/peterson\/spec\.ts:\d+:\d+: error: This spec and spec\/examples\/peterson\/spec\.ts would both generate tla\/peterson\//);
    expect(readFileSync(path.join(project, "reference/peterson.ts"), "utf8")).toBe(before);
  }, 60_000);

  it("also when the other spec is known only by the generated files' header", async () => {
    rmSync(path.join(project, "spec"), { recursive: true });
    write("elsewhere/peterson/spec.ts", peterson(falseInvariant));
    const error = await genCommand(["elsewhere/peterson"], { cwd: project }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as SpecError).message).toContain("This spec and spec/examples/peterson/spec.ts would both generate");
  }, 60_000);
});

describe("generated files do not depend on the working directory or the spelling of the path", () => {
  it("./spec/…, an absolute path, …/spec.ts and a trailing / give the same bytes, equal to the committed ones", async () => {
    const spellings = ["./spec/examples/peterson", path.join(project, "spec/examples/peterson"), "spec/examples/peterson/spec.ts", "spec/examples/peterson/"];
    const texts = await Promise.all(spellings.map(async (s) => (await artefactsOf(loadSpec(s, { cwd: project }))).map((a) => `${a.path}\n${a.text}`).join("\n")));
    for (const t of texts) expect(t).toBe(texts[0]);
    expect((await genCommand(["./spec/examples/peterson/"], { cwd: project, check: true })).stale).toEqual([]);
  }, 60_000);

  it("run from another folder, gen writes into the spec's project, not the working directory", async () => {
    const elsewhere = realpathSync(mkdtempSync(path.join(tmpdir(), "raidspec-cwd-")));
    try {
      rmSync(path.join(project, "tla"), { recursive: true });
      const r = await genCommand([path.join(project, "spec/examples/peterson")], { cwd: elsewhere });
      expect(r.written[0]?.spec).toBe("spec/examples/peterson");
      expect(existsSync(path.join(project, "tla/peterson/Peterson.tla"))).toBe(true);
      expect(existsSync(path.join(elsewhere, "tla"))).toBe(false);
      expect(readFileSync(path.join(project, "tla/peterson/Peterson.tla"), "utf8")).toBe(readFileSync(path.join(repo, "tla/peterson/Peterson.tla"), "utf8"));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("leftovers of an interrupted gen", () => {
  it("gen --check ignores them and gen removes them (a 0-byte temp of a run killed with -9)", async () => {
    const leftovers = ["tla/peterson/Peterson.tla.999999.tmp", "tla/peterson/.Peterson.tla.raidspec-999999-abc123.tmp", "reference/.peterson.ts.raidspec-999999-def456.tmp"];
    for (const l of leftovers) write(l, "");
    expect((await genCommand(["spec/examples/peterson"], { cwd: project, check: true })).stale).toEqual([]);
    await genCommand(["spec/examples/peterson"], { cwd: project });
    for (const l of leftovers) expect(existsSync(path.join(project, l)), l).toBe(false);
  }, 60_000);
});

describe("time limits on every engine", () => {
  it.each(["native", "embedded"] as const)("%s: --timeout stops a long check (raid5 small_free) with a time-out error", async (engine) => {
    const loaded = loadSpec(path.join(repo, "spec/raid5"));
    const started = performance.now();
    const error = await runCheck({ loaded, specArg: "spec/raid5", engine, config: "small_free", variant: "d0852df", invariants: ["TypeOK"], timeoutMs: 1500, root: loaded.root }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe("timeout");
    // Generous: the machine is shared, but a check of small_free takes minutes on embedded.
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 90_000);
});
