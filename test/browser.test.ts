/**
 * The counterexample report (check --html) and diagram (check --svg) rendered by a real headless
 * Chromium: the DOM has one lane per process, one box per step, the violating state highlighted, and a
 * state table whose changed cells are marked. Needs Debian's chromium (.ci/run installs it).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { resultModel } from "../cli/print.ts";
import { runCheck } from "../engines/check.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { traceHtml } from "../traces/html.ts";
import { traceSvg } from "../traces/svg.ts";
import { hasChromium, withBrowser } from "../scripts/chromium.ts";

async function raceFiles(): Promise<{ html: string; svg: string }> {
  const loaded = loadSpec("spec/raid5");
  const r = await runCheck({ loaded, specArg: "spec/raid5", config: "small", variant: "pre-d0852df", invariant: "WriteIntentCoverage", engine: "embedded", root: process.cwd() });
  const model = resultModel(r, { spec: applyVariant(loaded.spec, null), constants: constantValues(loaded.spec, "small") });
  if (!model) throw new Error("the race has a counterexample");
  const dir = mkdtempSync(path.join(tmpdir(), "raidspec-browser-"));
  const html = path.join(dir, "report.html");
  const svg = path.join(dir, "trace.svg");
  writeFileSync(html, traceHtml(model, { verdict: "VIOLATION" }));
  writeFileSync(svg, traceSvg(model));
  return { html, svg };
}

describe.skipIf(!hasChromium)("the trace report in headless Chromium (skipped: /usr/bin/chromium is not installed; apt-get install chromium)", () => {
  it("shows the race as lanes, boxes, a highlighted violation and a state table, with no external requests", async () => {
    const files = await raceFiles();
    await withBrowser(async (context) => {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on("request", (req) => requests.push(req.url()));
      await page.goto(pathToFileURL(files.html).href);
      expect(requests.every((u) => u.startsWith("file:") || u.startsWith("data:"))).toBe(true);

      const lanes = await page.$$eval("svg .lane", (els) => els.map((e) => e.getAttribute("data-name")));
      // The bitmap daemon has a lane of its own, empty here (small does not run it).
      expect(lanes).toEqual(["writer 1", "writer 2", "writer 3", "raid5d", "handler", "daemon"]);
      const boxes = await page.$$eval("svg .box:not(.init)", (els) =>
        els.map((e) => {
          const r = e.querySelector("rect")?.getBoundingClientRect();
          return { step: Number(e.getAttribute("data-step")), lane: Number(e.getAttribute("data-lane")), x: r?.x ?? 0, y: r?.y ?? 0, label: e.querySelector(".label")?.textContent };
        }),
      );
      expect(boxes.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(boxes.map((b) => b.label)).toEqual(["get_active_stripe", "get_active_stripe", "get_active_stripe", "add_stripe_bio", "add_stripe_bio", "add_stripe_bio", "stripe_add_to_batch_list", "handle_stripe"]);
      // Time runs downwards, and each box sits in its process's lane.
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]?.y ?? 0).toBeGreaterThan(boxes[i - 1]?.y ?? 0);
      const laneX = await page.$$eval("svg .lane .lane-head", (els) => els.map((e) => e.getBoundingClientRect().x));
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual((laneX[b.lane] ?? 0) - 4);
        expect(b.x).toBeLessThan(laneX[b.lane + 1] ?? Infinity);
      }
      expect(boxes.map((b) => b.lane)).toEqual([0, 1, 2, 0, 1, 2, 2, 4]);

      expect(await page.$$eval("svg .box.violation", (els) => els.map((e) => e.getAttribute("data-step")))).toEqual(["8"]);
      const fill = await page.$eval("svg .box.violation rect", (e) => getComputedStyle(e).fill);
      expect(fill).toBe("rgb(255, 235, 233)");
      expect(await page.textContent("#why")).toContain("Stripe 1's data is being written while chunk 1's bit is clear on disk.");

      // The state table: one column per state, the last marked, changed cells highlighted.
      expect(await page.$$eval("table.states thead th", (els) => els.length)).toBe(1 + 9);
      expect(await page.$$eval("table.states thead th.violation", (els) => els.length)).toBe(1);
      const changed = await page.$$eval("table.states tr", (rows) =>
        rows.filter((r) => r.querySelector("th")?.textContent === "bitDisk[1]" || r.querySelector("th")?.textContent === "count[1]").map((r) => [...r.querySelectorAll("td")].map((td) => td.classList.contains("changed"))),
      );
      expect(changed).toContainEqual([false, true, true, true, false, false, false, true, false]); // count[1]
      expect(changed).toContainEqual(Array(9).fill(false)); // bitDisk[1]: never set
      // "only the rows that change" hides the steady ones.
      const visible = () => page.$$eval("table.states tbody tr", (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).length);
      const all = await visible();
      await page.check("#only-changing");
      const only = await visible();
      expect(only).toBeLessThan(all);
      expect(only).toBe(await page.$$eval("table.states tbody tr.changing", (rows) => rows.length));

      await page.goto(pathToFileURL(files.svg).href);
      expect(await page.$$eval(".lane", (els) => els.length)).toBe(6);
      expect(await page.$$eval(".box.violation", (els) => els.length)).toBe(1);
    });
  });
});
