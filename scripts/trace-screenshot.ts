/**
 * Screenshots of the d0852df race's HTML report in headless Chromium, to look at what a reader sees:
 *   npm run screenshot [-- out-dir]
 * writes <out-dir>/race-report.html, race-top.png (the diagram) and race-table.png (the state table);
 * out-dir defaults to .tmp/screenshots.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { resultModel } from "../cli/print.ts";
import { runCheck } from "../engines/check.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { traceHtml } from "../traces/html.ts";
import { CHROMIUM, hasChromium, withBrowser } from "./chromium.ts";

const out = path.resolve(process.argv[2] ?? ".tmp/screenshots");
if (!hasChromium) {
  console.error(`No browser at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}
mkdirSync(out, { recursive: true });
const loaded = loadSpec("spec/raid5");
const r = await runCheck({ loaded, specArg: "spec/raid5", config: "small", variant: "pre-d0852df", invariant: "WriteIntentCoverage", engine: "embedded", root: process.cwd() });
const model = resultModel(r, { spec: applyVariant(loaded.spec, null), constants: constantValues(loaded.spec, "small") });
if (!model) throw new Error("no counterexample");
const html = path.join(out, "race-report.html");
writeFileSync(html, traceHtml(model, { verdict: `VIOLATION: ${r.invariant} (${r.distinctStates} distinct states, ${r.engine} engine)` }));
await withBrowser(async (context) => {
  const page = await context.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.screenshot({ path: path.join(out, "race-top.png") });
  await page.locator("table.states").screenshot({ path: path.join(out, "race-table.png") });
});
console.log(`wrote ${html}, ${path.join(out, "race-top.png")}, ${path.join(out, "race-table.png")}`);
