/**
 * The progress line of a long check, on stderr: distinct states, states per second, depth, queue and
 * elapsed time, updated in place on a terminal. `--progress` forces it when stderr is not a terminal
 * (one line per update, at most one a second), `--quiet` silences it.
 *
 * Engines report through `onProgress` (native: from its search loop; TLC: its progress messages).
 * The embedded engine (tla-checker, synchronous WebAssembly with no callback in its API) holds the
 * thread until it finishes, so all the line can say is that it is running.
 */
import type { EngineName, Progress } from "../engines/result.ts";

export interface ProgressOptions {
  progress?: boolean;
  quiet?: boolean;
}

export interface ProgressReporter {
  update?: (p: Progress) => void;
  engine?: (engine: EngineName) => void;
  /** Clears the line; safe to call more than once. */
  done: () => void;
}

interface Stream {
  isTTY?: boolean;
  write(text: string): boolean;
}

const thousands = (n: number) => Math.round(n).toLocaleString("en-US");

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}` : `${m}:${String(sec).padStart(2, "0")}`;
}

/**
 * One progress line (without the terminal's control characters). The rate is the engine's own figure
 * at its report; `elapsedNowMs` (the time since the check started) may be later than the report.
 */
export function formatProgress(p: Progress, engine?: string, elapsedNowMs = p.elapsedMs): string {
  const rate = p.elapsedMs > 0 ? `${thousands((p.distinctStates * 1000) / p.elapsedMs)} states/s` : "";
  return [
    `${engine ? `${engine}: ` : ""}${thousands(p.distinctStates)} distinct states`,
    ...(p.generated !== undefined ? [`${thousands(p.generated)} generated`] : []),
    ...(rate ? [rate] : []),
    `depth ${p.depth}`,
    `queue ${thousands(p.queue)}`,
    `${formatElapsed(Math.max(p.elapsedMs, elapsedNowMs))} elapsed`,
  ].join(", ");
}

export function progressReporter(opts: ProgressOptions, stream: Stream = process.stderr): ProgressReporter {
  const tty = stream.isTTY === true;
  if (opts.quiet || !(opts.progress || tty)) return { done: () => {} };
  const minGap = tty ? 250 : 1000;
  let engineName: string | undefined;
  let last: Progress | undefined;
  let lastAt = -Infinity;
  let shown = false;
  let started = performance.now();
  let ticker: ReturnType<typeof setInterval> | undefined;

  const show = (text: string) => {
    if (tty) stream.write(`\r${text}\u001b[K`);
    else stream.write(`${text}\n`);
    shown = true;
  };
  const render = (force = false) => {
    const now = performance.now();
    if (!force && now - lastAt < minGap) return;
    lastAt = now;
    // Between reports (TLC sends one every 2 s) the elapsed time still moves.
    if (last) show(formatProgress(last, engineName, now - started));
    else if (tty) show(`${engineName ?? "raidspec"}: starting, ${formatElapsed(now - started)} elapsed`);
  };
  return {
    engine: (name) => {
      engineName = name;
      started = performance.now();
      if (name === "embedded") {
        // tla-checker runs to the end on this thread: no ticker can run, so say so once.
        show("embedded (tla-checker): checking; it reports no progress until it finishes");
        return;
      }
      ticker ??= setInterval(() => render(), tty ? 1000 : 5000);
      ticker.unref();
    },
    update: (p) => {
      last = p;
      render();
    },
    done: () => {
      if (ticker) clearInterval(ticker);
      ticker = undefined;
      if (shown && tty) stream.write("\r\u001b[K");
      shown = false;
    },
  };
}
