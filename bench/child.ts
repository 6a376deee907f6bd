/**
 * One benchmark run of a raidspec engine, in a process of its own so its peak memory is its own:
 * loads the spec, notes the resident set size, checks TypeOK and prints one JSON line with the
 * result, the RSS before the check, the process's peak RSS, the CPU time all of its threads took in
 * the check (worker threads and V8's compiler and collector threads included) and the machine's
 * steal time meanwhile.
 *
 * Usage (by bench/run.ts): node --import tsx bench/child.ts <spec> <config> <variant> <engine> <workers>
 */
import { runCheck } from "../engines/check.ts";
import { EngineError } from "../engines/result.ts";
import { collectGarbage } from "../engines/native/collect.ts";
import { loadSpec, releaseCompiler } from "../generator/frontend/load.ts";
import { prestartWorkers } from "../engines/native/packed-parallel.ts";
import { stealBetween, stealSeconds } from "./steal.ts";

const [spec = "", config = "", variant = "", engine = "native", workers = "1"] = process.argv.slice(2);
// As `raidspec check --workers N` does: the worker threads load their code while the spec loads.
if (engine === "native") prestartWorkers(Number(workers) - 1);
const loaded = loadSpec(spec, { root: process.cwd() });
// As `raidspec check` does: the compiler's parsed files are dropped before the search.
releaseCompiler();
collectGarbage();
const baseRss = process.memoryUsage().rss;
const stealBefore = stealSeconds();
const cpuBefore = process.cpuUsage();
const started = performance.now();
try {
  const r = await runCheck({
    loaded,
    specArg: spec,
    config,
    variant: variant || undefined,
    invariants: ["TypeOK"],
    engine: engine === "native-reference" ? "native" : (engine as "native" | "embedded"),
    ...(engine === "native-reference" ? { explorer: "reference" as const } : {}),
    workers: Number(workers),
    root: process.cwd(),
  });
  const wallMs = performance.now() - started;
  const stolen = stealBetween(stealBefore, stealSeconds());
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ ok: true, distinctStates: r.distinctStates, durationMs: r.durationMs, wallMs, cpuSeconds, baseRss, maxRss: process.resourceUsage().maxRSS * 1024, stealSeconds: stolen, explorer: r.explorer }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: e instanceof EngineError ? e.message : String(e) }));
}
