/**
 * Benchmark: what liveness costs on the native engine, against the same safety check, on md/raid5.
 *
 * md/raid5 declares no temporal property and no fairness, so this adds them in memory (nothing is
 * written): every process weakly fair, and `WritersFinish`, every writer eventually Done
 * (\A w \in Writers : <>(pc[w] = "Done")), one instance per writer. The safety check is TypeOK on
 * the compiled explorer with one worker (liveness runs on one thread); the liveness check is the
 * same with the property: the search records the state graph, then the fair components are found
 * (engines/liveness/). Each figure is the better of two runs.
 *
 * Usage: node --import tsx bench/liveness.ts [config] [variant]   (default: small d0852df)
 */
import { runCheck } from "../engines/check.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import type { Expr, Spec } from "../generator/ir.ts";

const [config = "small", variant = "d0852df"] = process.argv.slice(2);
const loaded = loadSpec("spec/raid5");
const writers: Expr = { kind: "range", lo: { kind: "int", value: 1 }, hi: { kind: "const", name: "NWriters" } };
const done: Expr = { kind: "binary", op: "eq", left: { kind: "pc", process: { kind: "bound", name: "w" } }, right: { kind: "string", value: "Done" } };
const spec: Spec = {
  ...loaded.spec,
  processes: loaded.spec.processes.map((p) => ({ ...p, fair: "weak" as const })),
  variants: loaded.spec.variants.map((v) => ({ ...v, processes: v.processes.map((p) => ({ ...p, fair: "weak" as const })) })),
  properties: [
    { name: "WritersFinish", body: { kind: "forall", name: "w", set: writers, body: { kind: "eventually", pred: done } }, loc: { file: loaded.spec.source, line: 1, column: 1 } },
  ],
};
const withLiveness = { ...loaded, spec };

async function best(properties: string[]) {
  let out: Awaited<ReturnType<typeof runCheck>> | undefined;
  for (let i = 0; i < 2; i++) {
    const r = await runCheck({ loaded: withLiveness, specArg: "spec/raid5", config, variant, invariants: ["TypeOK"], properties, engine: "native", workers: 1, root: process.cwd() });
    if (!out || r.durationMs < out.durationMs) out = r;
  }
  if (!out) throw new Error("no run");
  return out;
}

const safety = await best([]);
const liveness = await best(["WritersFinish"]);
console.log(`md/raid5 ${config} (${variant}), native engine, 1 worker (timings under whatever load the machine has):`);
console.log(`  safety   (TypeOK):                 ${safety.verdict}, ${safety.distinctStates} states, ${safety.durationMs} ms`);
console.log(
  `  liveness (TypeOK + WritersFinish): ${liveness.verdict}, ${liveness.distinctStates} states, ${liveness.liveness?.transitions ?? "?"} transitions, ${liveness.liveness?.instances ?? "?"} instances, ${liveness.durationMs} ms (of which ${liveness.liveness?.checkMs ?? "?"} ms after the search)`,
);
console.log(`  liveness / safety: ${(liveness.durationMs / safety.durationMs).toFixed(2)}×`);
