/**
 * CPU time the hypervisor gave to other guests (Linux's /proc/stat "steal"), summed over this
 * machine's CPUs, in seconds; null where the system does not report it. On a shared virtual
 * machine a run's time says as much about its neighbours as about the code: the benchmark puts this
 * beside every figure.
 */
import { readFileSync } from "node:fs";

/** Linux reports /proc/stat in clock ticks of 1/100 s (USER_HZ) on every architecture it runs on. */
const TICKS_PER_SECOND = 100;

export function stealSeconds(): number | null {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const fields = cpu.trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal …
    const steal = fields[0] === "cpu" ? Number(fields[8]) : NaN;
    return Number.isFinite(steal) ? steal / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** Steal between two readings (null if either is missing). */
export function stealBetween(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : Math.round((after - before) * 100) / 100;
}
