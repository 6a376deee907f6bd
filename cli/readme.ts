/**
 * `raidspec readme`: regenerates the sections of README.md that raidspec's own output fills, between
 *
 *     <!-- raidspec:begin report spec/raid5 --configs small --engine embedded -->
 *     <!-- raidspec:end -->
 *
 * The marker names the command (`report … ` gives the table and the shortest counterexample of each
 * violated invariant and property, `--kind invariant` or `--kind property` only those; `check …` one
 * counterexample as text, `--property` a lasso); `--check` fails if a section is out of
 * date, like `gen --check`. A marker that says `begin slow` (the large native runs, minutes) is only
 * regenerated or checked with `--all`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import { runCheck, select } from "../engines/check.ts";
import { diffVariants } from "../engines/diff.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { coverageMarkdown } from "./coverage-markdown.ts";
import { formatDiff } from "./diff.ts";
import { buildReport } from "../engines/report.ts";
import { EngineError, type EngineName } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { writeFileAtomic } from "../generator/atomic-write.ts";
import { reportMarkdown } from "../traces/report-markdown.ts";
import { formatResult } from "./print.ts";
import { assertStories } from "./trace-output.ts";

const BLOCK = /<!-- raidspec:begin (slow )?([^>]*?) -->\n([\s\S]*?)<!-- raidspec:end -->/g;

interface Parsed {
  command: "report" | "check" | "coverage" | "diff";
  spec: string;
  flags: Map<string, string>;
}

function parse(text: string, file: string): Parsed {
  const [command, spec, ...rest] = text.trim().split(/\s+/);
  if ((command !== "report" && command !== "check" && command !== "coverage" && command !== "diff") || !spec)
    throw new EngineError("usage", `${file}: a raidspec:begin marker names "report <spec> …", "check <spec> …", "coverage <spec> …" or "diff <spec> …", not "${text}".`);
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i] ?? "";
    const v = rest[i + 1];
    if (!k.startsWith("--") || v === undefined) throw new EngineError("usage", `${file}: in the marker "${text}", ${k} needs a value.`);
    flags.set(k.slice(2), v);
  }
  const allowed = { report: ["configs", "variants", "engine", "layout", "kind"], coverage: ["configs", "variants", "engine"], diff: ["config", "from", "to"], check: ["config", "variant", "invariant", "property", "engine"] }[command];
  for (const k of flags.keys()) if (!allowed.includes(k)) throw new EngineError("usage", `${file}: the marker "${text}" has --${k}; ${command} sections take ${allowed.map((a) => `--${a}`).join(", ")}.`);
  return { command, spec, flags };
}

/** The generated text of one section. */
async function generate(p: Parsed, root: string): Promise<string> {
  const loaded = loadSpec(p.spec, { root });
  assertStories(loaded);
  const engine = (p.flags.get("engine") ?? "auto") as EngineName | "auto";
  if (p.command === "coverage")
    return coverageMarkdown({ loaded, specArg: p.spec, engine, configs: p.flags.get("configs")?.split(","), variants: p.flags.get("variants")?.split(",") });
  if (p.command === "diff") {
    const config = select(loaded.spec, { config: p.flags.get("config") }).config.name;
    const [from, to] = [p.flags.get("from"), p.flags.get("to")].map((v) => select(loaded.spec, { config, variant: v }).variant);
    const constants = constantValues(loaded.spec, config);
    const r = diffVariants({ spec: loaded.spec, model: await referenceOf(loaded.spec), config, constants, from: from ?? null, to: to ?? null });
    return ["```text", formatDiff(r, loaded.spec, constants, { counterexamples: false }), "```"].join("\n");
  }
  if (p.command === "report") {
    const kind = p.flags.get("kind");
    if (kind !== undefined && kind !== "invariant" && kind !== "property") throw new EngineError("usage", `--kind takes invariant or property, not ${kind}.`);
    const rows = await buildReport({ loaded, specArg: p.spec, engine, configs: p.flags.get("configs")?.split(","), variants: p.flags.get("variants")?.split(","), kind, root });
    const layout = p.flags.get("layout");
    if (layout !== undefined && layout !== "rows" && layout !== "matrix") throw new EngineError("usage", `--layout takes rows or matrix, not ${layout}.`);
    return reportMarkdown(rows, loaded.spec, { layout });
  }
  const r = await runCheck({ loaded, specArg: p.spec, config: p.flags.get("config"), variant: p.flags.get("variant"), invariant: p.flags.get("invariant"), property: p.flags.get("property"), engine, root });
  const spec = applyVariant(loaded.spec, r.variant === loaded.spec.baseVariant ? null : r.variant);
  return ["```text", formatResult(r, { spec, constants: constantValues(loaded.spec, r.config), noTiming: true }), "```"].join("\n");
}

export async function updateReadme(file: string, opts: { check?: boolean; all?: boolean }, root: string): Promise<{ stale: string[]; skipped: string[]; updated: string[] }> {
  const text = await readFile(path.resolve(root, file), "utf8");
  const stale: string[] = [];
  const skipped: string[] = [];
  const updated: string[] = [];
  let out = "";
  let last = 0;
  for (const m of text.matchAll(BLOCK)) {
    const [whole, slow, command = "", current = ""] = m;
    out += text.slice(last, m.index);
    last = (m.index ?? 0) + whole.length;
    if (slow && !opts.all) {
      skipped.push(command);
      out += whole;
      continue;
    }
    process.stderr.write(`raidspec readme: ${command}\n`);
    const fresh = `${await generate(parse(command, file), root)}\n`;
    if (fresh !== current) (opts.check ? stale : updated).push(command);
    out += `<!-- raidspec:begin ${slow ?? ""}${command} -->\n${fresh}<!-- raidspec:end -->`;
  }
  out += text.slice(last);
  if (!opts.check && updated.length > 0) await writeFileAtomic(path.resolve(root, file), out);
  return { stale, skipped, updated };
}

export function readmeCommand(root: string): Command {
  return new Command("readme")
    .description("regenerate the README sections between raidspec:begin/end markers (results tables, counterexamples)")
    .argument("[file]", "the Markdown file", "README.md")
    .option("--check", "do not write: fail if a section is out of date")
    .option("--all", "also the sections marked slow (the large native runs: minutes)")
    .action(async (file: string, opts: { check?: boolean; all?: boolean }) => {
      const r = await updateReadme(file, opts, root);
      const skipped = r.skipped.length ? ` (skipped ${r.skipped.length} slow section(s); --all includes them)` : "";
      if (opts.check && r.stale.length > 0) {
        console.error(`${file}: generated sections are out of date (run npm run readme):\n  ${r.stale.join("\n  ")}`);
        process.exitCode = 1;
      } else if (opts.check) console.log(`${file}: generated sections are up to date${skipped}.`);
      else console.log(`${file}: ${r.updated.length ? `updated ${r.updated.join("; ")}` : "already up to date"}${skipped}.`);
    });
}
