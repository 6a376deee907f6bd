/**
 * TLC's progress reports (message 2200, `Progress(17) at …: 12,648 states generated (…), 4,355 distinct
 * states found (…), 685 states left on queue.`) read while TLC runs, from its `-tool` stdout as it
 * arrives in chunks. The final parse of the whole output (parse-output.ts) decides the result; this
 * only feeds a progress line.
 */
import type { Progress } from "../result.ts";

const MESSAGE = /@!@!@STARTMSG 2200:\d+ @!@!@\r?\n([\s\S]*?)@!@!@ENDMSG 2200 @!@!@/g;
const count = (s: string | undefined) => Number((s ?? "").replace(/,/g, ""));

/** The figures of one 2200 message's text, or undefined if it does not read as one. */
export function parseProgressText(text: string): Omit<Progress, "elapsedMs"> | undefined {
  const m = /Progress\(([\d,]+)\)[\s\S]*?([\d,]+) states? generated[\s\S]*?([\d,]+) distinct states? found[\s\S]*?([\d,]+) states? left on queue/.exec(text);
  if (!m) return undefined;
  return { depth: count(m[1]), generated: count(m[2]), distinctStates: count(m[3]), queue: count(m[4]) };
}

/** A chunk consumer that calls `onProgress` for each complete progress message. */
export function progressStream(onProgress: (p: Progress) => void, started: number): (chunk: string | Buffer) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk.toString();
    let end = 0;
    for (const m of buffer.matchAll(MESSAGE)) {
      end = (m.index ?? 0) + m[0].length;
      const p = parseProgressText(m[1] ?? "");
      if (p) onProgress({ ...p, elapsedMs: Math.round(performance.now() - started) });
    }
    // Keep only what may still become a message: an open 2200 message, or a marker cut in two.
    const open = buffer.lastIndexOf("@!@!@STARTMSG 2200:");
    buffer = open >= end ? buffer.slice(open) : buffer.slice(Math.max(end, buffer.length - 24));
  };
}
