import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatProgress, progressReporter } from "../cli/progress.ts";
import type { ReferenceModel } from "../engines/model.ts";
import { exploreNative } from "../engines/native/explore.ts";
import type { Progress } from "../engines/result.ts";
import { parseTlcOutput } from "../engines/tlc/parse-output.ts";
import { progressStream } from "../engines/tlc/progress-stream.ts";
import { runTlc } from "../engines/tlc/run.ts";
import { model as raid5 } from "../reference/raid5.ts";

/** shared/ sits beside the repository (CI, /work/main) or beside its worktree's folder. */
function fixtures(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "shared/fixtures/tlc-raidspec/");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("shared/fixtures/tlc-raidspec not found beside the repository");
}
const FIXTURES = fixtures();

describe("the progress line", () => {
  const p: Progress = { distinctStates: 1234567, generated: 4567890, depth: 17, queue: 12345, elapsedMs: 62_000 };

  it("says distinct states, states per second, depth, queue and elapsed time", () => {
    expect(formatProgress(p, "native")).toBe("native: 1,234,567 distinct states, 4,567,890 generated, 19,912 states/s, depth 17, queue 12,345, 1:02 elapsed");
  });

  it("updates one line on a terminal, prints lines with --progress elsewhere, nothing with --quiet or by default off a terminal", () => {
    const sink = (isTTY: boolean) => {
      const out: string[] = [];
      return { stream: { isTTY, write: (t: string) => out.push(t) > 0 }, out };
    };
    const tty = sink(true);
    const r = progressReporter({}, tty.stream);
    r.engine?.("native");
    r.update?.(p);
    r.done();
    expect(tty.out[0]).toBe(`\r${formatProgress(p, "native")}\u001b[K`);
    expect(tty.out.at(-1)).toBe("\r\u001b[K");
    const pipe = sink(false);
    progressReporter({}, pipe.stream).update?.(p);
    expect(pipe.out).toEqual([]);
    const forced = sink(false);
    const f = progressReporter({ progress: true }, forced.stream);
    f.engine?.("tlc");
    f.update?.(p);
    f.update?.({ ...p, distinctStates: p.distinctStates + 1 }); // within a second: not printed
    f.done();
    expect(forced.out).toEqual([`${formatProgress(p, "tlc")}\n`]);
    const quiet = sink(true);
    const q = progressReporter({ quiet: true }, quiet.stream);
    q.engine?.("native");
    q.update?.(p);
    expect(quiet.out).toEqual([]);
    // The embedded engine cannot report: the line says so once.
    const emb = sink(true);
    progressReporter({}, emb.stream).engine?.("embedded");
    expect(emb.out.join("")).toContain("embedded (tla-checker): checking; it reports no progress until it finishes");
  });
});

describe("engines report progress", () => {
  it("native: from the search loop, distinct states growing to the final count", () => {
    const seen: Progress[] = [];
    const m = raid5 as ReferenceModel<unknown>;
    const r = exploreNative(m, { constants: m.configs.small?.constants ?? {}, variant: null, invariants: ["TypeOK"], onProgress: (x) => seen.push(x), progressEveryMs: 0 });
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]?.distinctStates).toBeGreaterThanOrEqual(seen[i - 1]?.distinctStates ?? 0);
      expect(seen[i]?.depth).toBeGreaterThanOrEqual(seen[i - 1]?.depth ?? 0);
    }
    expect(seen.at(-1)?.distinctStates).toBeLessThanOrEqual(r.distinctStates);
    expect(seen.at(-1)?.depth).toBeLessThanOrEqual(r.depth + 1);
    expect(seen.every((x) => x.queue >= 0 && (x.generated ?? 0) <= r.generated)).toBe(true);
  });

  it("TLC: its 2200 messages read as they stream in, however the output is cut into chunks", () => {
    const text = readFileSync(join(FIXTURES, "patched__Raid5__small__TypeOK.out"), "utf8");
    const whole = parseTlcOutput(text).progress;
    expect(whole.length).toBeGreaterThan(0);
    const two = text + text.replace(/Progress\((\d+)\)/, "Progress(99)");
    for (const size of [1, 7, 100, 100_000]) {
      const got: Progress[] = [];
      const feed = progressStream((x) => got.push(x), performance.now());
      for (let i = 0; i < two.length; i += size) feed(two.slice(i, i + size));
      expect(got.map((g) => [g.distinctStates, g.generated, g.queue])).toEqual([...whole, ...whole].map((w) => [w.distinct, w.generated, w.queued]));
      expect(got[1]?.depth).toBe(99);
    }
  });

  it("TLC: runTlc asks TLC for a report every 2 s and passes them on while it runs (stand-in java replaying a recording)", async () => {
    const root = mkdtempSync(join(tmpdir(), "raidspec-progress-"));
    try {
      writeFileSync(join(root, "M.tla"), "---- MODULE M ----\n====\n");
      writeFileSync(join(root, "M.cfg"), "INIT Init\n");
      writeFileSync(join(root, "tla2tools.jar"), "stand-in");
      const java = join(root, "fake-java");
      const fixture = join(FIXTURES, "patched__Raid5__small__TypeOK.out");
      writeFileSync(java, `#!/usr/bin/env node\nrequire("fs").writeFileSync(${JSON.stringify(join(root, "args.json"))}, JSON.stringify(process.argv.slice(2)));\nprocess.stdout.write(require("fs").readFileSync(${JSON.stringify(fixture)}));\n`);
      chmodSync(java, 0o755);
      const got: Progress[] = [];
      const out = await runTlc({ jar: join(root, "tla2tools.jar"), moduleFile: join(root, "M.tla"), cfgFile: join(root, "M.cfg"), java, onProgress: (x) => got.push(x) });
      expect(JSON.parse(readFileSync(join(root, "args.json"), "utf8"))).toContain("-Dtlc2.TLC.progressInterval=2");
      expect(got.map((g) => g.distinctStates)).toEqual(out.progress.map((x) => x.distinct));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
