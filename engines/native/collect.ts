/**
 * A full garbage collection on the calling thread, when the runtime allows one (else nothing).
 *
 * The parallel explorer replaces its fingerprint table as it grows. An array's memory is released only
 * when the collector finds it unreachable (on every thread holding a SharedArrayBuffer), and an
 * explorer allocates too few JavaScript objects for the collector to run by itself: without this,
 * the tables it outgrew stay in memory to the end of the search.
 */
import v8 from "node:v8";
import vm from "node:vm";

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      gc = vm.runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** Bytes of big buffers dropped since the last collection, and the amount that makes one worth it. */
let dropped = 0;
const WORTH = 32 << 20;

/** Notes that a buffer of `bytes` was dropped; collects once enough was. */
export function droppedBuffer(bytes: number): void {
  dropped += bytes;
  if (dropped < WORTH) return;
  dropped = 0;
  collectGarbage();
}
