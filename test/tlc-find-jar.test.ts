import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compareVersions, findTlcJar, searchCandidates } from "../engines/tlc/find-jar.ts";
import { EngineError } from "../engines/result.ts";

let root: string;
let home: string;
let cwd: string;
let system: string;

function touch(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "not really a jar");
  return path;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "raidspec-findjar-"));
  home = join(root, "home");
  cwd = join(root, "work");
  system = join(root, "system");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Search places confined to the temp dir, so the machine's own installs cannot leak in. */
const places = () => ({ cwd, home, systemJars: [join(system, "usr/share/java/tla2tools.jar"), join(system, "opt/tla2tools.jar")] });
const noEnv = () => ({ HOME: home });

describe("findTlcJar", () => {
  it("takes the flag first, even when the environment and the usual places have a jar", async () => {
    const flagged = touch(join(root, "mine", "tla2tools.jar"));
    touch(join(root, "env.jar"));
    touch(join(cwd, "tla2tools.jar"));
    const found = await findTlcJar(flagged, { ...noEnv(), TLA2TOOLS_JAR: join(root, "env.jar") }, places());
    expect(found).toEqual({ path: flagged, source: "flag" });
  });

  it("resolves a relative flag path against the working directory", async () => {
    touch(join(cwd, "lib", "tla2tools.jar"));
    const found = await findTlcJar("lib/tla2tools.jar", noEnv(), places());
    expect(found).toEqual({ path: join(cwd, "lib", "tla2tools.jar"), source: "flag" });
  });

  it("takes TLA2TOOLS_JAR when there is no flag", async () => {
    const fromEnv = touch(join(root, "env", "tla2tools.jar"));
    touch(join(cwd, "tla2tools.jar"));
    expect(await findTlcJar(undefined, { ...noEnv(), TLA2TOOLS_JAR: fromEnv }, places())).toEqual({ path: fromEnv, source: "env" });
  });

  it("treats an empty flag or TLA2TOOLS_JAR as not given", async () => {
    const local = touch(join(cwd, "tla2tools.jar"));
    expect(await findTlcJar("", { ...noEnv(), TLA2TOOLS_JAR: "" }, places())).toEqual({ path: local, source: "search" });
  });

  it("fails with jar-missing, naming the path, when the flag points nowhere", async () => {
    touch(join(cwd, "tla2tools.jar"));
    const missing = join(root, "nope", "tla2tools.jar");
    const error = await findTlcJar(missing, noEnv(), places()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe("jar-missing");
    expect((error as EngineError).message).toContain(missing);
    expect((error as EngineError).message).toContain("--tlc-jar");
    expect((error as EngineError).message).toMatch(/releases/);
  });

  it("fails with jar-missing when TLA2TOOLS_JAR points nowhere, instead of falling back", async () => {
    touch(join(cwd, "tla2tools.jar"));
    const error = await findTlcJar(undefined, { ...noEnv(), TLA2TOOLS_JAR: "/definitely/not/here.jar" }, places()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe("jar-missing");
    expect((error as EngineError).message).toContain("TLA2TOOLS_JAR=/definitely/not/here.jar");
  });

  it("rejects a flag that names a directory", async () => {
    mkdirSync(join(root, "adir.jar"));
    await expect(findTlcJar(join(root, "adir.jar"), noEnv(), places())).rejects.toMatchObject({ kind: "jar-missing" });
  });

  it("searches ./tla2tools.jar before ~/.tlaplus before system places", async () => {
    const sys = touch(join(system, "opt/tla2tools.jar"));
    expect(await findTlcJar(undefined, noEnv(), places())).toEqual({ path: sys, source: "search" });
    const dotTlaplus = touch(join(home, ".tlaplus", "tla2tools.jar"));
    expect(await findTlcJar(undefined, noEnv(), places())).toEqual({ path: dotTlaplus, source: "search" });
    const local = touch(join(cwd, "tla2tools.jar"));
    expect(await findTlcJar(undefined, noEnv(), places())).toEqual({ path: local, source: "search" });
  });

  it("takes the earlier system place first", async () => {
    touch(join(system, "opt/tla2tools.jar"));
    const usr = touch(join(system, "usr/share/java/tla2tools.jar"));
    expect((await findTlcJar(undefined, noEnv(), places()))?.path).toBe(usr);
  });

  it("finds the jar of the newest TLA+ editor extension across VS Code, VS Code server and Cursor", async () => {
    touch(join(home, ".vscode/extensions/tlaplus.vscode-ide-2024.9.30/tools/tla2tools.jar"));
    const newest = touch(join(home, ".cursor/extensions/tlaplus.vscode-ide-2024.10.1/tools/tla2tools.jar"));
    touch(join(home, ".vscode-server/extensions/alygin.vscode-tlaplus-1.5.4/tools/tla2tools.jar"));
    // An extension folder without the jar, and an unrelated extension, are skipped.
    mkdirSync(join(home, ".vscode/extensions/tlaplus.vscode-ide-2099.1.1"), { recursive: true });
    touch(join(home, ".vscode/extensions/other.vscode-ide-3000.0.0/tools/tla2tools.jar"));
    expect(await findTlcJar(undefined, noEnv(), places())).toEqual({ path: newest, source: "search" });
  });

  it("finds a TLA+ Toolbox unpacked in the home directory", async () => {
    const toolbox = touch(join(home, "toolbox", "tla2tools.jar"));
    expect(await findTlcJar(undefined, noEnv(), places())).toEqual({ path: toolbox, source: "search" });
  });

  it("returns null when no jar is anywhere", async () => {
    expect(await findTlcJar(undefined, noEnv(), places())).toBeNull();
  });

  it("lists the default system places when none are given", async () => {
    const candidates = await searchCandidates({ HOME: home }, { cwd, home });
    expect(candidates.slice(0, 2)).toEqual([join(cwd, "tla2tools.jar"), join(home, ".tlaplus", "tla2tools.jar")]);
    for (const p of ["/usr/share/java/tla2tools.jar", "/usr/local/lib/tla2tools.jar", "/opt/tla2tools.jar", "/opt/TLA+/tla2tools.jar"]) {
      expect(candidates).toContain(p);
    }
  });
});

describe("compareVersions", () => {
  it("compares numerically, part by part", () => {
    expect(compareVersions("2024.10.1", "2024.9.30")).toBeGreaterThan(0);
    expect(compareVersions("1.5", "1.5.0")).toBe(0);
    expect(compareVersions("1.4.9", "1.5")).toBeLessThan(0);
  });
});
