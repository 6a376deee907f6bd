/**
 * Benchmark: what liveness costs on the native engine, against the same safety check, on md/raid5.
 *
 * md/raid5's threads are all weakly fair and the spec states `WriterFinishes`, every writer eventually
 * Done (\A w \in Writers : <>(pc[w] = "Done")), one instance per writer. The safety check is TypeOK on
 * the compiled explorer with one worker (liveness runs on one thread); the liveness check is the
 * same with the property: the search records the state graph, then the fair components are found
 * (engines/liveness/). Each figure is the better of two runs.
 *
 * Usage: node --import tsx bench/liveness.ts [config] [variant]   (default: small d0852df)
 */
import { runCheck } from "../engines/check.ts";
import { loadSpec } from "../generator/frontend/load.ts";

const [config = "small", variant = "d0852df"] = process.argv.slice(2);
const loaded = loadSpec("spec/raid5");

async function best(properties: string[]) {
  let out: Awaited<ReturnType<typeof runCheck>> | undefined;
  for (let i = 0; i < 2; i++) {
    const r = await runCheck({ loaded, specArg: "spec/raid5", config, variant, invariants: ["TypeOK"], properties, engine: "native", workers: 1, root: process.cwd() });
    if (!out || r.durationMs < out.durationMs) out = r;
  }
  if (!out) throw new Error("no run");
  return out;
}

const safety = await best([]);
const liveness = await best(["WriterFinishes"]);
console.log(`md/raid5 ${config} (${variant}), native engine, 1 worker (timings under whatever load the machine has):`);
console.log(`  safety   (TypeOK):                 ${safety.verdict}, ${safety.distinctStates} states, ${safety.durationMs} ms`);
console.log(
  `  liveness (TypeOK + WriterFinishes): ${liveness.verdict}, ${liveness.distinctStates} states, ${liveness.liveness?.transitions ?? "?"} transitions, ${liveness.liveness?.instances ?? "?"} instances, ${liveness.durationMs} ms (of which ${liveness.liveness?.checkMs ?? "?"} ms after the search)`,
);
console.log(`  liveness / safety: ${(liveness.durationMs / safety.durationMs).toFixed(2)}×`);
