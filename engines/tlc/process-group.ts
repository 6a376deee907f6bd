/**
 * Running TLC so that nothing of it outlives raidspec: `java` starts in a process group of its own
 * (whatever it forks joins that group), and on a time-out, on Ctrl-C and after it exits the whole
 * group is killed. Killing only the direct child would leave a forked grandchild holding TLC's output
 * pipe, and raidspec waiting for it.
 */
import { execa } from "execa";

export interface GroupRun {
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
  /** Set when the process could not be started (ENOENT, EACCES). */
  spawnError?: string;
  timedOut: boolean;
  interrupted: boolean;
}

/** Runs `command` in its own process group, killing the group after `timeoutMs` or on SIGINT/SIGTERM. */
export async function runInGroup(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs?: number; onStdout?: (chunk: Buffer | string) => void },
): Promise<GroupRun> {
  const child = execa(command, args, {
    cwd: options.cwd,
    reject: false,
    stripFinalNewline: false,
    // TLC reads no input; it must not hold on to the user's terminal.
    stdin: "ignore",
    detached: true,
  });
  if (options.onStdout) child.stdout?.on("data", options.onStdout);
  let timedOut = false;
  let interrupted = false;
  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const stop = () => {
    killGroup("SIGTERM");
    setTimeout(() => killGroup("SIGKILL"), 2000).unref();
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs);
  const onSignal = () => {
    interrupted = true;
    stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await child;
    return {
      stdout: typeof result.stdout === "string" ? result.stdout : "",
      stderr: typeof result.stderr === "string" ? result.stderr : "",
      exitCode: result.exitCode,
      signal: result.signal,
      spawnError: result.code === "ENOENT" || result.code === "EACCES" ? result.code : undefined,
      timedOut,
      interrupted,
    };
  } finally {
    if (timer) clearTimeout(timer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // Whatever TLC left running in its group goes with it.
    killGroup("SIGKILL");
  }
}
