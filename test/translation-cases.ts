/**
 * The modules whose PlusCal algorithm is compared with its translation (by the PlusCal re-reading,
 * and by the real pcal.trans when a jar is at hand), with the distinct states each has on its
 * configuration: every example spec in both variants, md/raid5 on two_disk in both variants, and the
 * language's ports whose algorithm this reader knows (no macros, no single process).
 */
import { loadSpec } from "../generator/frontend/load.ts";
import { renderConfig, renderModule } from "../generator/tla/module.ts";

export const TRANSLATION_CASES: [spec: string, variant: string | null, config: string, states: number][] = [
  ["spec/examples/peterson", null, "default", 26],
  ["spec/examples/peterson", "noTurn", "default", 16],
  ["spec/examples/counter", null, "default", 879],
  ["spec/examples/counter", "noLock", "default", 2598],
  ["spec/raid5", null, "two_disk", 1139],
  ["spec/raid5", "d0852df", "two_disk", 1011],
  ["spec/examples/dining-philosophers", null, "default", 67],
  ["spec/examples/ewd998", null, "two", 2360],
];

/** The module of a spec in a variant, as generated now, and the cfg of a configuration without invariants. */
export function moduleAndCfg(arg: string, variant: string | null, config: string): { moduleText: string; cfgText: string } {
  const { spec } = loadSpec(arg);
  const cfg = spec.configs.find((c) => c.name === config);
  if (!cfg) throw new Error(`${arg} has no configuration ${config}`);
  return { moduleText: renderModule(spec, variant, arg), cfgText: renderConfig(spec, cfg, []) };
}
