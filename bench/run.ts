/**
 * Benchmark: for each spec, configuration and engine, the distinct states explored, seconds and
 * states per second, as a table and as JSON (bench/results.json). Every figure comes from a check
 * that really ran; engines that are not available here (TLC without a jar) are listed as skipped.
 *
 * Each figure is the better of two runs. Usage: npm run bench [-- --quick]   (--quick leaves out
 * the large md/raid5 configurations)
 */
import { writeFile } from "node:fs/promises";
import { loadSpec } from "../generator/frontend/load.ts";
import { runCheck } from "../engines/check.ts";
import { EngineError, type EngineName } from "../engines/result.ts";
import { findTlcJar } from "../engines/tlc/find-jar.ts";

interface Case {
  spec: string;
  config: string;
  variant?: string;
  /** Engines to leave out (the embedded engine needs hours on the large configurations). */
  skip?: EngineName[];
  large?: boolean;
}

const cases: Case[] = [
  { spec: "spec/examples/peterson", config: "default" },
  { spec: "spec/examples/counter", config: "default" },
  { spec: "spec/raid5", config: "two_disk", variant: "d0852df" },
  { spec: "spec/raid5", config: "small", variant: "pre-d0852df" },
  { spec: "spec/raid5", config: "small", variant: "d0852df" },
  { spec: "spec/raid5", config: "small_free", variant: "d0852df", skip: ["embedded"], large: true },
];

interface Row {
  spec: string;
  config: string;
  variant: string | null;
  engine: EngineName;
  distinctStates: number | null;
  seconds: number | null;
  statesPerSecond: number | null;
  note?: string;
}

const quick = process.argv.includes("--quick");
const root = process.cwd();
const tlc = await findTlcJar();
const engines: EngineName[] = ["native", "embedded", "tlc"];
const rows: Row[] = [];

for (const c of cases.filter((x) => !quick || !x.large)) {
  const loaded = loadSpec(c.spec, { root });
  for (const engine of engines) {
    const base = { spec: loaded.spec.name, config: c.config, variant: c.variant ?? null, engine };
    if (c.skip?.includes(engine) || (engine === "tlc" && !tlc)) {
      rows.push({ ...base, distinctStates: null, seconds: null, statesPerSecond: null, note: engine === "tlc" ? "skipped: no tla2tools.jar" : "skipped: too slow" });
      continue;
    }
    try {
      // TypeOK holds in every model here, so the exploration is complete and the counts compare.
      // Best of two runs: the first one also pays for loading and JIT warm-up.
      const run = () => runCheck({ loaded, specArg: c.spec, config: c.config, variant: c.variant, invariants: ["TypeOK"], engine, root });
      const first = await run();
      const second = await run();
      const r = second.durationMs < first.durationMs ? second : first;
      const seconds = r.durationMs / 1000;
      rows.push({ ...base, distinctStates: r.distinctStates, seconds, statesPerSecond: Math.round(r.distinctStates / seconds) });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      rows.push({ ...base, distinctStates: null, seconds: null, statesPerSecond: null, note: e.message });
    }
    const last = rows[rows.length - 1];
    if (last) console.error(`${last.spec} ${last.config} ${last.variant ?? ""} ${last.engine}: ${last.distinctStates ?? "-"} states, ${last.seconds?.toFixed(2) ?? "-"} s`);
  }
}

const pad = (s: string, n: number) => s.padEnd(n);
const lines = [
  `${pad("spec", 10)} ${pad("config", 12)} ${pad("variant", 12)} ${pad("engine", 9)} ${"states".padStart(9)} ${"seconds".padStart(9)} ${"states/s".padStart(10)}  ratio`,
];
for (const r of rows) {
  const native = rows.find((x) => x.spec === r.spec && x.config === r.config && x.variant === r.variant && x.engine === "native");
  const ratio = r.engine !== "native" && r.seconds && native?.seconds ? `native ${(r.seconds / native.seconds).toFixed(1)}x faster` : "";
  lines.push(
    `${pad(r.spec, 10)} ${pad(r.config, 12)} ${pad(r.variant ?? "-", 12)} ${pad(r.engine, 9)} ${String(r.distinctStates ?? "-").padStart(9)} ${(r.seconds?.toFixed(2) ?? "-").padStart(9)} ${String(r.statesPerSecond ?? "-").padStart(10)}  ${r.note ?? ratio}`,
  );
}
console.log(lines.join("\n"));
await writeFile("bench/results.json", `${JSON.stringify(rows, null, 2)}\n`);
console.log("\nwrote bench/results.json");
