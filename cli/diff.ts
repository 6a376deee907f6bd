/**
 * `raidspec diff <spec> --from A --to B`: what one variant can do that the other cannot
 * (engines/diff.ts), as text for a terminal or as JSON.
 */
import { Command, InvalidArgumentError } from "commander";
import { select } from "../engines/check.ts";
import { type DiffResult, type DivergingTrace, diffVariants } from "../engines/diff.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { EngineError } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import type { Spec } from "../generator/ir.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { narrativeLines } from "../traces/narrative.ts";
import { traceModel } from "../traces/trace-model.ts";

const sideName = (spec: Spec, v: string | null) => v ?? spec.baseVariant ?? "base";

function divergenceLines(title: string, d: DivergingTrace | undefined, spec: Spec, variant: string | null, constants: Record<string, unknown>, other: string): string[] {
  if (!d) return [`${title}: none; ${other} can follow every behaviour (projected).`];
  const last = d.trace[d.trace.length - 1];
  const steps = d.trace.length - 1;
  const where = last && last.step !== "Init" ? `step ${steps}, ${last.processSet ?? "?"} ${JSON.stringify(last.process)} ${last.step}${last.models ? ` (${last.models})` : ""}` : "the initial state";
  const model = traceModel({ trace: d.trace, spec: applyVariant(spec, variant), constants: constants as never, title });
  return [
    `${title}: ${steps} step${steps === 1 ? "" : "s"}; they part at ${where}.`,
    `  There ${other} could only take: ${d.otherEnabled.length ? d.otherEnabled.join(", ") : "no step"}.`,
    ...narrativeLines(model).map((l) => `  ${l}`),
  ];
}

/** The diff as text; `counterexamples: false` leaves out the shortest counterexample of each invariant whose verdict differs. */
export function formatDiff(r: DiffResult, spec: Spec, constants: Record<string, unknown>, opts: { counterexamples?: boolean } = {}): string {
  const from = sideName(spec, r.from.variant);
  const to = sideName(spec, r.to.variant);
  const dropped = r.projection.dropped.map((d) => `${d.key} (written only by ${d.writtenBy === "from" ? from : to})`);
  const lines = [
    `${r.spec}, configuration ${r.config}: ${from} → ${to}`,
    `Compared on ${r.projection.compared.length} state keys${dropped.length ? `; left out: ${dropped.join(", ")}` : ""}.`,
    `  ${from}: ${r.from.distinctStates} states, ${r.from.transitions} transitions; ${to}: ${r.to.distinctStates} states, ${r.to.transitions} transitions.`,
    `  Projected states: ${r.states.both} in both, ${r.states.onlyFrom} only in ${from}, ${r.states.onlyTo} only in ${to}.`,
    `  Projected transitions: ${r.transitions.both} in both, ${r.transitions.onlyFrom} only in ${from}, ${r.transitions.onlyTo} only in ${to}.`,
    "Invariants:",
    ...r.invariants.map((i) => {
      const side = (s: DiffResult["invariants"][number]["from"], other: string) =>
        s.verdict === "ok" ? "holds" : `VIOLATED (${s.traceLength}-step counterexample${s.lastStateOnOtherSide === false ? `, ending in a state ${other} never reaches` : ""})`;
      const mark = i.from.verdict !== i.to.verdict ? "  <- differs" : "";
      return `  ${i.name}: ${from} ${side(i.from, to)}; ${to} ${side(i.to, from)}${mark}`;
    }),
    ...divergenceLines(`Only in ${from} (shortest trace ${to} cannot follow)`, r.divergence.from, spec, r.from.variant, constants, to),
    ...divergenceLines(`Only in ${to} (shortest trace ${from} cannot follow)`, r.divergence.to, spec, r.to.variant, constants, from),
  ];
  for (const i of r.invariants) {
    if (i.from.verdict === i.to.verdict || opts.counterexamples === false) continue;
    const [name, s, v] = i.from.verdict === "violation" ? [from, i.from, r.from.variant] : [to, i.to, r.to.variant];
    if (!s.trace) continue;
    const model = traceModel({ trace: s.trace, spec: applyVariant(spec, v), constants: constants as never, invariant: i.name, title: `${i.name} in ${name}` });
    lines.push(`${i.name} is violated only in ${name}; its shortest counterexample:`, ...narrativeLines(model).map((l) => `  ${l}`));
  }
  return lines.join("\n");
}

export function diffCommand(): Command {
  return new Command("diff")
    .description("compare two variants of a spec: states and transitions only one has, the shortest trace each has that the other cannot follow, the invariants' verdicts")
    .argument("<spec>", "spec folder, e.g. spec/raid5")
    .option("--from <variant>", "the variant before (e.g. the kernel before a patch)")
    .option("--to <variant>", "the variant after")
    .option("--variant <name>", "the two variants, from then to (instead of --from/--to)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--config <name>", "named configuration (default: \"default\" or the first)")
    .option("--max-states <n>", "stop with an error once a side has more states than this", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive whole number");
      return n;
    })
    .option("--json", "print one JSON object (with the traces)")
    .action(async (arg: string, opts: { from?: string; to?: string; variant?: string[]; config?: string; maxStates?: number; json?: boolean }) => {
      const [fromName, toName] = opts.variant ?? [opts.from, opts.to];
      if (!fromName || !toName || (opts.variant && (opts.variant.length !== 2 || opts.from || opts.to)))
        throw new EngineError("usage", "Name the two variants: --from <variant> --to <variant> (or --variant A --variant B).");
      const loaded = loadSpec(arg);
      const spec = loaded.spec;
      const from = select(spec, { config: opts.config, variant: fromName });
      const to = select(spec, { config: opts.config, variant: toName });
      const constants = constantValues(spec, from.config.name);
      const model = await referenceOf(spec);
      const r = diffVariants({ spec, model, config: from.config.name, constants, from: from.variant, to: to.variant, maxStates: opts.maxStates });
      console.log(opts.json ? JSON.stringify(r) : formatDiff(r, spec, constants));
    });
}
