/**
 * Benchmark: for each spec, configuration and engine, TypeOK checked exhaustively: distinct states,
 * seconds, states per second, peak resident set size, bytes per state beyond the process's size
 * before the check, and each engine's time relative to TLC with one worker. Every run is a process
 * of its own (bench/child.ts; TLC under /usr/bin/time), so its peak RSS is its own; each figure is
 * the best of two runs (or of --runs N), and beside it the cores the engine kept busy (the CPU time
 * of all its threads over its wall time: a one-thread search also keeps V8's compiler threads busy)
 * and the CPU time the machine's other guests took meanwhile (bench/steal.ts). The table is printed
 * and every figure kept in bench/results.json. Then the simulator: ten seeds on the race before
 * d0852df (small_free, WriteIntentCoverage), each given 5 seconds.
 *
 * Engines: the native engine's compiled explorer with 1 and 2 workers, its readable explorer
 * (native-reference), the embedded tla-checker, and TLC with 1 and 2 workers when a jar is found
 * (TLA2TOOLS_JAR, …), on the generated module and .cfg (TypeOK only).
 *
 * Usage: npm run bench [-- --quick] [-- --once | --runs N]   (--quick leaves out the large md/raid5
 * configurations; --once runs each engine once, --runs N N times, instead of twice)
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { runCheck, select } from "../engines/check.ts";
import { EngineError } from "../engines/result.ts";
import { findTlcJar } from "../engines/tlc/find-jar.ts";
import { runTlc } from "../engines/tlc/run.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { moduleName, renderConfig, renderModule } from "../generator/tla/module.ts";
import { stealBetween, stealSeconds } from "./steal.ts";

const run = promisify(execFile);

interface Case {
  spec: string;
  config: string;
  variant: string;
  large?: boolean;
}

const cases: Case[] = [
  { spec: "spec/examples/peterson", config: "default", variant: "base" },
  { spec: "spec/examples/counter", config: "default", variant: "base" },
  { spec: "spec/raid5", config: "two_disk", variant: "d0852df" },
  { spec: "spec/raid5", config: "small", variant: "pre-d0852df" },
  { spec: "spec/raid5", config: "small", variant: "d0852df" },
  { spec: "spec/raid5", config: "small_free", variant: "d0852df", large: true },
  { spec: "spec/raid5", config: "three_stripes", variant: "d0852df", large: true },
];

type EngineRun = { engine: "native" | "native-reference" | "embedded" | "tlc"; workers: number };

const engines: EngineRun[] = [
  { engine: "native", workers: 1 },
  { engine: "native", workers: 2 },
  { engine: "native-reference", workers: 1 },
  { engine: "embedded", workers: 1 },
  { engine: "tlc", workers: 1 },
  { engine: "tlc", workers: 2 },
];

interface Row {
  spec: string;
  config: string;
  variant: string;
  engine: string;
  workers: number;
  distinctStates: number | null;
  /** The search (for the native engine; TLC's whole run), in seconds. */
  seconds: number | null;
  /** The check from the engine's start to its result (worker start-up and loading included). */
  wallSeconds: number | null;
  /** CPU seconds all of the engine's threads took in that check (JIT compiler and garbage collector threads included). */
  cpuSeconds: number | null;
  statesPerSecond: number | null;
  peakRssMB: number | null;
  /** (peak RSS − RSS before the check) / distinct states. */
  bytesPerState: number | null;
  /** TLC -workers 1's seconds / this engine's seconds. */
  timesTlc: number | null;
  /** CPU seconds the machine's other guests took during the run reported (/proc/stat's steal; null where not reported). */
  stealSeconds: number | null;
  /** How many runs the best was taken from. */
  runs: number;
  note?: string;
}

interface Measure {
  distinctStates: number;
  seconds: number;
  wallSeconds: number;
  cpuSeconds: number;
  maxRss: number;
  baseRss: number | null;
  stealSeconds: number | null;
}

const quick = process.argv.includes("--quick");
const runsAt = process.argv.indexOf("--runs");
const runs = process.argv.includes("--once") ? 1 : runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 2;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("bench: --runs takes a whole number of runs, 1 or more (e.g. --runs 3).");
  process.exit(2);
}
const root = process.cwd();
const jar = await findTlcJar();
const rows: Row[] = [];

/** A raidspec engine in a child process. */
async function raidspecRun(c: Case, e: EngineRun): Promise<Measure> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/child.ts", c.spec, c.config, c.variant, e.engine, String(e.workers)], { cwd: root, maxBuffer: 1 << 24 });
  const r = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { ok: boolean; error?: string; distinctStates: number; durationMs: number; wallMs: number; cpuSeconds: number; baseRss: number; maxRss: number; stealSeconds: number | null; explorer?: { searchMs?: number; kind: string } };
  if (!r.ok) throw new EngineError("crash", r.error ?? "the benchmark run failed");
  if (e.engine === "native" && r.explorer?.kind !== "compiled") throw new EngineError("crash", "the compiled explorer did not run");
  const search = r.explorer?.searchMs ?? r.durationMs;
  return { distinctStates: r.distinctStates, seconds: search / 1000, wallSeconds: r.durationMs / 1000, cpuSeconds: r.cpuSeconds, maxRss: r.maxRss, baseRss: r.baseRss, stealSeconds: r.stealSeconds };
}

/** TLC on the generated module, under /usr/bin/time for its peak RSS. */
async function tlcRun(c: Case, workers: number): Promise<Measure> {
  if (!jar) throw new EngineError("jar-missing", "no tla2tools.jar");
  const loaded = loadSpec(c.spec, { root });
  const sel = select(loaded.spec, { config: c.config, variant: c.variant, invariants: ["TypeOK"] });
  const dir = await mkdtemp(path.join(tmpdir(), "raidspec-bench-"));
  try {
    const name = moduleName(loaded.spec, sel.variant);
    await writeFile(path.join(dir, `${name}.tla`), renderModule(loaded.spec, sel.variant, c.spec));
    await writeFile(path.join(dir, `${name}.cfg`), renderConfig(loaded.spec, sel.config, ["TypeOK"], { properties: [] }));
    const rssFile = path.join(dir, "rss.txt");
    const wrapper = path.join(dir, "java-timed");
    await writeFile(wrapper, `#!/bin/sh\nexec /usr/bin/time -v -o ${JSON.stringify(rssFile)} java -Djava.io.tmpdir=${JSON.stringify(dir)} "$@"\n`, { mode: 0o755 });
    const stealBefore = stealSeconds();
    const started = performance.now();
    const out = await runTlc({ jar: jar.path, moduleFile: path.join(dir, `${name}.tla`), cfgFile: path.join(dir, `${name}.cfg`), workers, java: wrapper });
    const seconds = (performance.now() - started) / 1000;
    const stolen = stealBetween(stealBefore, stealSeconds());
    if (out.outcome !== "ok") throw new EngineError("crash", `TLC: ${out.outcome}`);
    const usage = await readFile(rssFile, "utf8");
    const figure = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(usage)?.[1] ?? NaN);
    const kb = figure("Maximum resident set size \\(kbytes\\)");
    const cpuSeconds = figure("User time \\(seconds\\)") + figure("System time \\(seconds\\)");
    return { distinctStates: out.distinctStates ?? 0, seconds, wallSeconds: seconds, cpuSeconds, maxRss: kb * 1024, baseRss: null, stealSeconds: stolen };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A row's figures when the engine did not run. */
const missing = { distinctStates: null, seconds: null, wallSeconds: null, cpuSeconds: null, statesPerSecond: null, peakRssMB: null, bytesPerState: null, timesTlc: null, stealSeconds: null, runs: 0 };

for (const c of cases.filter((x) => !quick || !x.large)) {
  const caseRows: Row[] = [];
  for (const e of engines) {
    const base = { spec: c.spec.split("/").pop() ?? c.spec, config: c.config, variant: c.variant, engine: e.engine, workers: e.workers };
    const skip = e.engine === "tlc" && !jar ? "skipped: no tla2tools.jar (TLA2TOOLS_JAR)" : e.engine === "embedded" && c.large ? "skipped: too slow" : null;
    if (skip) {
      caseRows.push({ ...base, ...missing, note: skip });
      continue;
    }
    try {
      const measure = () => (e.engine === "tlc" ? tlcRun(c, e.workers) : raidspecRun(c, e));
      let m = await measure();
      for (let k = 1; k < runs; k++) {
        const next = await measure();
        if (next.seconds < m.seconds) m = next;
      }
      caseRows.push({
        ...base,
        distinctStates: m.distinctStates,
        seconds: round(m.seconds, 3),
        wallSeconds: round(m.wallSeconds, 3),
        cpuSeconds: Number.isFinite(m.cpuSeconds) ? round(m.cpuSeconds, 3) : null,
        statesPerSecond: Math.round(m.distinctStates / m.seconds),
        peakRssMB: round(m.maxRss / 1e6, 1),
        bytesPerState: m.baseRss === null || m.distinctStates < 100_000 ? null : Math.round((m.maxRss - m.baseRss) / m.distinctStates),
        timesTlc: null,
        stealSeconds: m.stealSeconds,
        runs,
      });
    } catch (err) {
      if (!(err instanceof EngineError) && !(err instanceof Error)) throw err;
      caseRows.push({ ...base, ...missing, note: err.message.split("\n")[0] });
    }
    const last = caseRows[caseRows.length - 1];
    if (last) console.error(`${last.spec} ${last.config} ${last.variant} ${last.engine} ×${last.workers}: ${last.distinctStates ?? "-"} states, ${last.seconds ?? "-"} s, ${last.peakRssMB ?? "-"} MB`);
  }
  const tlc1 = caseRows.find((r) => r.engine === "tlc" && r.workers === 1 && r.seconds);
  for (const r of caseRows) if (tlc1?.seconds && r.seconds) r.timesTlc = round(tlc1.seconds / r.seconds, 2);
  rows.push(...caseRows);
}

const cols: [string, (r: Row) => string, number][] = [
  ["spec", (r) => r.spec, 9],
  ["config", (r) => r.config, 13],
  ["variant", (r) => r.variant, 12],
  ["engine", (r) => r.engine, 17],
  ["w", (r) => String(r.workers), 2],
  ["states", (r) => String(r.distinctStates ?? "-"), 9],
  ["seconds", (r) => (r.seconds === null ? "-" : r.seconds.toFixed(2)), 8],
  ["states/s", (r) => String(r.statesPerSecond ?? "-"), 9],
  ["peak MB", (r) => (r.peakRssMB === null ? "-" : r.peakRssMB.toFixed(0)), 8],
  ["B/state", (r) => String(r.bytesPerState ?? "-"), 8],
  ["×TLC", (r) => (r.timesTlc === null ? "-" : r.timesTlc.toFixed(2)), 6],
  ["cores", (r) => (r.cpuSeconds === null || !r.wallSeconds ? "-" : (r.cpuSeconds / r.wallSeconds).toFixed(2)), 6],
  ["steal s", (r) => (r.stealSeconds === null ? "-" : r.stealSeconds.toFixed(2)), 8],
];
const lines = [cols.map(([h, , w], i) => (i < 5 ? h.padEnd(w) : h.padStart(w))).join(" ") + "  note"];
for (const r of rows) lines.push(cols.map(([, f, w], i) => (i < 5 ? f(r).padEnd(w) : f(r).padStart(w))).join(" ") + (r.note ? `  ${r.note}` : ""));
console.log(lines.join("\n"));
console.log(`\nseconds: the search (native engine), TLC's whole run, best of ${runs}; ×TLC: TLC -workers 1's seconds over the engine's; B/state: peak RSS beyond the RSS before the check, per state; cores: CPU seconds of all the engine's threads over the check's wall seconds (its JIT compiler and collector threads included); steal s: CPU seconds the machine's other guests took during that run (all CPUs).`);
// The simulator on the race before d0852df (small_free): the time to find it, per seed.
const simLoaded = loadSpec("spec/raid5", { root });
const simRows: { seed: number; found: boolean; seconds: number; walks: number; foundAtLength: number | null; shrunkTo: number | null }[] = [];
for (let seed = 1; seed <= 10; seed++) {
  const r = await runCheck({ loaded: simLoaded, specArg: "spec/raid5", config: "small_free", variant: "pre-d0852df", invariant: "WriteIntentCoverage", engine: "native", simulate: { seed, seconds: 5 }, root });
  simRows.push({ seed, found: r.verdict === "violation", seconds: r.durationMs / 1000, walks: r.simulation?.walks ?? 0, foundAtLength: r.simulation?.foundAtLength ?? null, shrunkTo: r.trace ? r.trace.length - 1 : null });
}
console.log("\nsimulator: md/raid5 small_free pre-d0852df, WriteIntentCoverage, --simulate --seconds 5 --seed K");
console.log("seed  found  seconds   walks  walk length  shrunk to");
for (const r of simRows) console.log(`${String(r.seed).padStart(4)}  ${(r.found ? "yes" : "no").padEnd(5)}  ${r.seconds.toFixed(2).padStart(7)}  ${String(r.walks).padStart(6)}  ${String(r.foundAtLength ?? "-").padStart(11)}  ${String(r.shrunkTo ?? "-").padStart(9)}`);
console.log(`${simRows.filter((r) => r.found && r.seconds < 5).length} of 10 seeds found it in under 5 s.`);

await writeFile("bench/results.json", `${JSON.stringify({ engines: rows, simulator: simRows }, null, 2)}\n`);
console.log("wrote bench/results.json");

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
