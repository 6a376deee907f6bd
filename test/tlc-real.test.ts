/**
 * The real tools, when a TLC jar is at hand (TLA2TOOLS_JAR; skipped with a message otherwise):
 * SANY accepts every generated module, and PlusCal's translation of each algorithm; TLC, run through
 * raidspec's own runner on the generated .cfg, finds raidspec's state counts; TLC leaves no temporary
 * folder behind; and pcal.trans, run on a copy of each module, translates its algorithm into a model
 * with the same state counts as the module's own translation.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retranslate } from "../conformance/pluscal/lockstep.ts";
import { PcalReadError } from "../conformance/pluscal/read.ts";
import { runCheck } from "../engines/check.ts";
import { parseSanyReport } from "../engines/tlc/parse-output.ts";
import { runTlc } from "../engines/tlc/run.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { moduleName, renderConfig, renderModule } from "../generator/tla/module.ts";
import { moduleAndCfg, TRANSLATION_CASES } from "./translation-cases.ts";

const JAR = process.env.TLA2TOOLS_JAR;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TLA_DIR = join(ROOT, "tla");

if (!JAR) console.log("tlc-real.test.ts: TLA2TOOLS_JAR is not set, so the tests with the real SANY, TLC and pcal.trans are skipped.");

describe.skipIf(!JAR)("with the real TLA+ tools (TLA2TOOLS_JAR)", () => {
  const jar = JAR ?? "";
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "raidspec-tlc-real-"));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs a tool of the jar in `dir`, its temporary files kept in `dir` too. */
  const tool = (dir: string, main: string, args: string[]): string => {
    mkdirSync(join(dir, "java-tmp"), { recursive: true });
    try {
      return execFileSync("java", [`-Djava.io.tmpdir=${join(dir, "java-tmp")}`, "-cp", jar, main, ...args], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`${main} ${args.join(" ")} failed:\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
    }
  };

  it("SANY accepts every generated module in tla/, the generation fixture's, and PlusCal's translation of each algorithm", async () => {
    const dir = join(scratch, "sany");
    mkdirSync(dir);
    const files: string[] = [];
    for (const f of readdirSync(TLA_DIR, { recursive: true, encoding: "utf8" }).filter((x) => x.endsWith(".tla"))) {
      copyFileSync(join(TLA_DIR, f), join(dir, basename(f)));
      files.push(basename(f));
    }
    const fixture = loadSpec("test/fixtures/generation").spec;
    writeFileSync(join(dir, "Generation.tla"), renderModule(fixture, null, "test/fixtures/generation"));
    files.push("Generation.tla");
    const generated = files.length;
    let withAlgorithm = 0;
    for (const f of [...files]) {
      const source = readFileSync(join(dir, f), "utf8");
      // A TLA+-only module (initial states by a predicate, actions beside processes) has no algorithm.
      if (source.includes("This module is TLA+ only")) continue;
      withAlgorithm += 1;
      const name = `${f.replace(/\.tla$/, "")}_PlusCal`;
      let text: string;
      try {
        text = await retranslate(source);
      } catch (e) {
        if (!(e instanceof PcalReadError)) throw e;
        // A construct the independent reader does not know (a procedure, a single process): the real pcal.trans translates it.
        const own = join(scratch, `trans-${f}`);
        mkdirSync(own);
        writeFileSync(join(own, f), source);
        expect(tool(own, "pcal.trans", ["-nocfg", f])).toContain("Translation completed.");
        text = readFileSync(join(own, f), "utf8");
      }
      writeFileSync(join(dir, `${name}.tla`), text.replace(/^(-+ MODULE )\S+/m, `$1${name}`));
      files.push(`${name}.tla`);
    }
    const out = tool(dir, "tla2sany.SANY", files);
    const processed = [...out.matchAll(/^Semantic processing of module (\S+)/gm)].map((m) => m[1]);
    for (const f of files) expect(processed).toContain(f.replace(/\.tla$/, ""));
    expect(parseSanyReport(out.split("\n")).filter((m) => m.severity === "error")).toEqual([]);
    // Every generated module (nine before the language's ports, five of those with an algorithm) and its translation.
    expect(generated).toBeGreaterThanOrEqual(10);
    expect(files.length).toBe(generated + withAlgorithm);
  });

  it("TLC, through raidspec's runner on the generated .cfg (no -deadlock: the cfg says CHECK_DEADLOCK FALSE), finds raidspec's counts", async () => {
    const cases: [string, string | undefined, string | undefined, number][] = [
      ["spec/examples/peterson", undefined, undefined, 26],
      ["spec/examples/counter", undefined, undefined, 879],
      ["spec/raid5", "small", "pre-d0852df", 14896],
      ["spec/raid5", "small", "d0852df", 13720],
    ];
    for (const [arg, config, variant, states] of cases) {
      const r = await runCheck({ loaded: loadSpec(arg), specArg: arg, config, variant, invariants: ["TypeOK"], engine: "tlc", tlcJar: jar, workers: 1, root: ROOT });
      expect([arg, variant, r.engine, r.verdict, r.distinctStates]).toEqual([arg, variant, "tlc", "ok", states]);
    }
  });

  it("the cfg's CHECK_DEADLOCK is what decides: md/raid5 has states with no enabled step, which TLC reports only when the cfg asks", async () => {
    const { spec } = loadSpec("spec/raid5");
    const config = spec.configs.find((c) => c.name === "two_disk");
    if (!config) throw new Error("no two_disk");
    const dir = join(scratch, "deadlock");
    mkdirSync(dir);
    writeFileSync(join(dir, "Raid5.tla"), renderModule(spec, null, "spec/raid5"));
    writeFileSync(join(dir, "Raid5.cfg"), renderConfig(spec, config, [], { checkDeadlock: true }));
    const r = await runTlc({ jar, moduleFile: join(dir, "Raid5.tla"), cfgFile: join(dir, "Raid5.cfg"), workers: 1 });
    expect(r.outcome).toBe("deadlock");
  });

  it("TLC's own temporary folder (tlc-<digits>, the unpacked standard modules) is made inside the run's folder and removed with it", async () => {
    // A stand-in java that runs the real one and keeps a copy of what it printed.
    const record = join(scratch, "printed.txt");
    const java = join(scratch, "java-recording");
    writeFileSync(java, `#!/bin/sh\njava "$@" | tee ${JSON.stringify(record)}\n`);
    chmodSync(java, 0o755);
    const { spec } = loadSpec("spec/examples/peterson");
    const config = spec.configs[0];
    if (!config) throw new Error("no config");
    const dir = join(scratch, "tmpcheck");
    mkdirSync(dir);
    writeFileSync(join(dir, "Peterson.tla"), renderModule(spec, null, "spec/examples/peterson"));
    writeFileSync(join(dir, "Peterson.cfg"), renderConfig(spec, config));
    const result = await runTlc({ jar, moduleFile: join(dir, "Peterson.tla"), cfgFile: join(dir, "Peterson.cfg"), workers: 1, java });
    expect([result.outcome, result.distinctStates]).toEqual(["ok", 26]);
    const unpacked = /^Parsing file (.*[\\/]tlc-\d+)[\\/]Integers\.tla/m.exec(readFileSync(record, "utf8"))?.[1];
    expect(unpacked).toMatch(new RegExp(`^${tmpdir()}/raidspec-tlc-[^/]+/java-tmp/tlc-\\d+$`));
    expect(existsSync(unpacked ?? "")).toBe(false);
    expect(existsSync(join(unpacked ?? "", "..", ".."))).toBe(false);
  });

  it("pcal.trans re-translates each algorithm into a model with the translation's own counts (examples, md/raid5 two_disk)", async () => {
    for (const [arg, variant, configName, states] of TRANSLATION_CASES) {
      const { spec } = loadSpec(arg);
      const name = moduleName(spec, variant);
      const dir = join(scratch, `pcal-${name}`);
      mkdirSync(dir);
      const { moduleText: original, cfgText } = moduleAndCfg(arg, variant, configName);
      writeFileSync(join(dir, `${name}.tla`), original);
      writeFileSync(join(dir, `${name}.cfg`), cfgText);
      expect(tool(dir, "pcal.trans", ["-nocfg", `${name}.tla`])).toContain("Translation completed.");
      const translated = readFileSync(join(dir, `${name}.tla`), "utf8");
      // pcal.trans wrote its own translation: the module is not the one raidspec generated.
      expect(translated).not.toBe(original);
      expect(translated).toContain(`${spec.processes[0]?.name}(self) ==`);
      // Fairness: pcal.trans writes Spec's WF/SF conjuncts exactly as raidspec does.
      const specDef = (text: string) => /^Spec == [\s\S]*?(?=\n\n)/m.exec(text)?.[0];
      expect([name, specDef(translated)]).toEqual([name, specDef(original)]);
      const r = await runTlc({ jar, moduleFile: join(dir, `${name}.tla`), cfgFile: join(dir, `${name}.cfg`), workers: 1 });
      expect([name, r.outcome, r.distinctStates]).toEqual([name, "ok", states]);
    }
  });
});
