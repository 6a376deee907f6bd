/**
 * TLC runs in a process group of its own, killed as a whole on a time-out and on Ctrl-C. Proved with a
 * stand-in `java` (a small Node script, no TLC) that forks a child which sleeps and holds the output
 * pipe, the way a JVM's helper processes can. Nothing here says anything about a model.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EngineError } from "../engines/result.ts";
import { runTlc } from "../engines/tlc/run.ts";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "raidspec-pgroup-"));
  writeFileSync(join(dir, "M.tla"), "---- MODULE M ----\n====\n");
  writeFileSync(join(dir, "M.cfg"), "INIT Init\n");
  writeFileSync(join(dir, "tla2tools.jar"), "stand-in");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in `java` that forks `sleep 60` (recording its pid), prints TLC's banner, and waits. */
function forkingJava(binDir: string): { pidFile: string } {
  mkdirSync(binDir, { recursive: true });
  const pidFile = join(dir, "grandchild.pid");
  const script = `#!/usr/bin/env node
const { spawn } = require("child_process");
const child = spawn("sleep", ["60"], { stdio: ["ignore", "inherit", "inherit"] });
require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
process.stdout.write("@!@!@STARTMSG 2262:0 @!@!@\\nTLC2 Version 2.19 (stand-in)\\n@!@!@ENDMSG 2262 @!@!@\\n");
setInterval(() => {}, 1000);
`;
  const java = join(binDir, "java");
  writeFileSync(java, script);
  chmodSync(java, 0o755);
  return { pidFile };
}

/** Whether a process runs (a zombie, killed but not yet reaped by init, does not). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
};

/** Whether a process is gone within a second (a killed process takes a moment to go). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

async function waitFor(file: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

describe("TLC's process group", () => {
  it("a time-out kills java and the child it forked, and returns at once", async () => {
    const { pidFile } = forkingJava(join(dir, "bin"));
    const started = Date.now();
    const error = await runTlc({ jar: join(dir, "tla2tools.jar"), moduleFile: join(dir, "M.tla"), cfgFile: join(dir, "M.cfg"), java: join(dir, "bin", "java"), timeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(8000);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    expect(await gone(grandchild)).toBe(true);
  }, 20_000);

  it("Ctrl-C on raidspec check (the real CLI) kills the group and exits 130", async () => {
    const { pidFile } = forkingJava(join(dir, "bin"));
    const cli = execa("node", ["bin/raidspec.js", "check", "spec/examples/peterson", "--engine", "tlc", "--tlc-jar", join(dir, "tla2tools.jar")], {
      reject: false,
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH ?? ""}`, TLA2TOOLS_JAR: "" },
    });
    await waitFor(pidFile, 30_000);
    expect(existsSync(pidFile)).toBe(true);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    expect(alive(grandchild)).toBe(true);
    cli.kill("SIGINT");
    const r = await cli;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/TLC was stopped \(interrupted\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await gone(grandchild)).toBe(true);
  }, 60_000);
});
