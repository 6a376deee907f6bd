/**
 * The modules whose PlusCal algorithm is compared with its translation (by the PlusCal re-reading,
 * and by the real pcal.trans when a jar is at hand), with the distinct states each has on its
 * configuration: every example spec in both variants, md/raid5 on two_disk in three variants (its
 * writer steps call macros), the macros fixture, and the language's ports whose algorithm this reader
 * knows (no single process, no procedures).
 */
import { loadSpec } from "../generator/frontend/load.ts";
import { renderConfig, renderModule } from "../generator/tla/module.ts";

export const TRANSLATION_CASES: [spec: string, variant: string | null, config: string, states: number][] = [
  ["spec/examples/peterson", null, "default", 26],
  ["spec/examples/peterson", "noTurn", "default", 16],
  ["spec/examples/counter", null, "default", 879],
  ["spec/examples/counter", "noLock", "default", 2598],
  ["spec/examples/peterson", "unfair", "default", 26],
  ["spec/examples/spinlock", null, "default", 5],
  ["spec/examples/spinlock", "weak", "default", 5],
  ["spec/examples/spinlock", "strongTake", "default", 5],
  ["spec/examples/lock-order", null, "default", 13],
  ["spec/examples/lock-order", "ordered", "default", 12],
  ["spec/raid5", null, "two_disk", 1139],
  ["spec/raid5", "d0852df", "two_disk", 1011],
  ["spec/raid5", "cd5fc653", "two_disk", 1117],
  ["test/fixtures/language/macros", null, "default", 64],
  ["spec/examples/dining-philosophers", null, "default", 67],
  ["spec/examples/ewd998", null, "two", 2360],
];

/** The module of a spec in a variant, as generated now, and the cfg of a configuration without invariants or properties. */
export function moduleAndCfg(arg: string, variant: string | null, config: string): { moduleText: string; cfgText: string } {
  const { spec } = loadSpec(arg);
  const cfg = spec.configs.find((c) => c.name === config);
  if (!cfg) throw new Error(`${arg} has no configuration ${config}`);
  return { moduleText: renderModule(spec, variant, arg), cfgText: renderConfig(spec, cfg, [], { properties: [] }) };
}
