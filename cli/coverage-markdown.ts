/**
 * Which steps and branches each configuration exercises, as a Markdown table (the README's coverage
 * section): one row per variant and configuration, from a complete exploration (TypeOK alone is
 * checked, so no violation stops it early), with every step or arm never taken named.
 */
import { runCheck } from "../engines/check.ts";
import { armWords, type Coverage } from "../engines/coverage.ts";
import type { EngineName } from "../engines/result.ts";
import type { LoadedSpec } from "../generator/frontend/load.ts";

function neverTaken(c: Coverage): string {
  const out: string[] = [];
  for (const s of c.steps) {
    if (s.generated === 0) {
      out.push(`\`${s.step}\` never fires`);
      continue;
    }
    for (const b of s.branches ?? []) for (const a of b.arms) if (a.taken === 0) out.push(`\`${s.step}\`: ${armWords(b, a.arm, b.arms.length)}`);
  }
  return out.length ? out.join("; ") : "none";
}

export async function coverageMarkdown(req: { loaded: LoadedSpec; specArg: string; engine: EngineName | "auto"; configs?: string[]; variants?: string[] }): Promise<string> {
  const spec = req.loaded.spec;
  const variants = req.variants ?? [spec.baseVariant ?? "base", ...spec.variants.map((v) => v.name)];
  const configs = req.configs ?? spec.configs.map((c) => c.name);
  const lines = ["| variant | configuration | steps fired | branch arms taken | never taken |", "| --- | --- | ---: | ---: | --- |"];
  for (const variant of variants)
    for (const config of configs) {
      const r = await runCheck({ loaded: req.loaded, specArg: req.specArg, config, variant, invariants: ["TypeOK"], engine: req.engine, coverage: true, root: req.loaded.root });
      const c = r.coverage;
      if (!c || !c.complete) throw new Error(`coverage of ${variant} / ${config} is missing or partial`);
      const arms = c.steps.flatMap((s) => s.branches ?? []).flatMap((b) => b.arms);
      const fired = c.steps.filter((s) => s.generated > 0).length;
      const armsText = c.branchesCounted ? `${arms.filter((a) => a.taken !== 0).length}/${arms.length}` : "(not counted)";
      lines.push(`| ${variant} | ${config} | ${fired}/${c.steps.length} | ${armsText} | ${neverTaken(c)} |`);
    }
  return lines.join("\n");
}
