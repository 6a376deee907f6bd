/**
 * The embedded engine: tla-checker (a TLA+ model checker compiled to WebAssembly), run in-process on the
 * generated module. It is the default where TLC is not installed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { check_spec_with_options, explore_eval, explore_init, explore_invariants, explore_next, initSync } from "tla-checker";
import type { Spec } from "../../generator/ir.ts";
import { EngineError, type Json, type TraceState } from "../result.ts";
import { stateFromChecker, stateToChecker } from "../state-json.ts";

/**
 * The module as tla-checker is given it. tla-checker drops an action in which a LET stands in a
 * junction item that an enclosing list continues after (TLC reads the layout as TLA+ says), so each
 * `LET x == e IN ` of the translation becomes `\E x \in {e}: `: the same in TLA+, and exactly as long,
 * so the columns of the junction lists below it stay where they are. The module users get (and TLC
 * checks) keeps PlusCal's LET.
 */
export function forTlaChecker(moduleText: string): string {
  if (moduleText === lastModule.text) return lastModule.forChecker;
  const start = moduleText.indexOf("\\* BEGIN TRANSLATION");
  const translation = start < 0 ? moduleText : moduleText.slice(start);
  const rewritten = translation.replace(/\bLET ([A-Za-z_][A-Za-z0-9_]*) == ((?:[^"\n]|"(?:[^"\\]|\\.)*")+?) IN /g, (_m, name: string, value: string) => `\\E ${name} \\in {${value}}: `);
  lastModule = { text: moduleText, forChecker: start < 0 ? rewritten : moduleText.slice(0, start) + rewritten };
  return lastModule.forChecker;
}

let lastModule = { text: "", forChecker: "" };

let compiled: WebAssembly.Module | undefined;
let ready = false;

/** tla-checker's WebAssembly, compiled once per process (worker threads get the compiled module). */
function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve("tla-checker/tla_checker_bg.wasm")));
  return compiled;
}

export function ensureLoaded(): void {
  if (ready) return;
  initSync({ module: wasmModule() });
  ready = true;
}

export interface EmbeddedInput {
  /** The spec with the checked variant applied (for the types of its state). */
  spec: Spec;
  moduleText: string;
  cfgText: string;
  /** The invariants in the order of the cfg's INVARIANT lines (tla-checker reports an index). */
  invariants: string[];
  maxStates?: number;
}

export interface EmbeddedOutcome {
  verdict: "ok" | "violation";
  invariant?: string;
  distinctStates: number;
  /** The counterexample's states (canonical JSON), initial first, and the action taken into each. */
  trace?: { action: string; state: TraceState }[];
}

interface CheckerResult {
  success: boolean;
  error_type: string | null;
  error_message: string | null;
  states_explored: number;
  trace: string[] | null;
}

interface CheckerState {
  display: Record<string, string>;
  json: Record<string, Json>;
}

/** The name of the constraint the embedded engine is given in place of the spec's (see `withInvariantsInModel`). */
export const EMBEDDED_CONSTRAINT = "RaidspecInModel";

/**
 * tla-checker skips the invariants on a state outside the CONSTRAINTs; TLC checks them there (it only
 * leaves such a state uncounted and unexplored), so tla-checker could miss a violation TLC reports.
 * The workaround: one constraint that also admits every state breaking a checked invariant. Where the
 * invariants hold it is the spec's constraint (same states, same count); a state that breaks one is
 * now checked, and the check stops there, as TLC does.
 */
export function withInvariantsInModel(input: Pick<EmbeddedInput, "spec" | "moduleText" | "cfgText" | "invariants">): { moduleText: string; cfgText: string } {
  if (input.spec.constraints.length === 0) return input;
  const all = (names: string[]) => (names.length ? names.join(" /\\ ") : "TRUE");
  const definition = `${EMBEDDED_CONSTRAINT} == (${all(input.spec.constraints.map((c) => c.name))}) \\/ ~(${all(input.invariants)})`;
  const end = input.moduleText.lastIndexOf("\n====");
  if (end < 0) throw new EngineError("crash", "The generated module has no closing ==== line");
  return {
    moduleText: `${input.moduleText.slice(0, end)}\n\n\\* Added for tla-checker, which checks no invariant outside the constraints.\n${definition}\n${input.moduleText.slice(end)}`,
    cfgText: `${input.cfgText
      .split("\n")
      .filter((l) => !l.startsWith("CONSTRAINT "))
      .join("\n")
      .trimEnd()}\nCONSTRAINT ${EMBEDDED_CONSTRAINT}\n`,
  };
}

/**
 * Checks the module. With a time limit the check runs on a worker thread that is terminated when the
 * time is up (tla-checker cannot be interrupted otherwise); without one it runs here.
 */
export async function checkEmbedded(input: EmbeddedInput & { timeoutMs?: number }): Promise<EmbeddedOutcome> {
  const { moduleText, cfgText } = withInvariantsInModel(input);
  const options = JSON.stringify({ cfg_source: cfgText, allow_deadlock: true, max_states: input.maxStates ?? 50_000_000, max_depth: 1_000_000_000 });
  let text: string;
  if (input.timeoutMs === undefined) {
    ensureLoaded();
    text = check_spec_with_options(forTlaChecker(moduleText), options);
  } else text = await checkOnWorker(forTlaChecker(moduleText), options, input.timeoutMs);
  return interpret({ ...input, moduleText, cfgText }, JSON.parse(text) as CheckerResult);
}

function checkOnWorker(moduleText: string, options: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./checker-worker.mjs", import.meta.url), { workerData: { wasm: wasmModule(), moduleText, options } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new EngineError("timeout", `tla-checker did not finish within ${timeoutMs} ms.`, "Use a smaller configuration, a longer --timeout, or the native engine."));
    }, timeoutMs);
    const done = () => clearTimeout(timer);
    worker.once("message", (text: string) => {
      done();
      void worker.terminate();
      resolve(text);
    });
    worker.once("error", (e) => {
      done();
      reject(new EngineError("crash", `tla-checker failed: ${e instanceof Error ? e.message : String(e)}`));
    });
  });
}

function interpret(input: EmbeddedInput, result: CheckerResult): EmbeddedOutcome {
  ensureLoaded();
  if (result.success) return { verdict: "ok", distinctStates: result.states_explored };
  if (result.error_type === "InvariantViolation") {
    const index = Number(/Invariant (\d+) violated/.exec(result.error_message ?? "")?.[1]);
    const invariant = input.invariants[index] ?? result.error_message ?? "unknown";
    const trace = result.trace?.[0] ? replayTrace(input, parseTrace(result.trace[0])) : undefined;
    return { verdict: "violation", invariant, distinctStates: result.states_explored, trace };
  }
  if (result.error_type === "MaxStatesExceeded" || result.error_type === "MaxDepthExceeded")
    throw new EngineError("limit", `tla-checker stopped: ${result.error_message}`, "Use a smaller configuration, or TLC for large models.");
  const parse = /Parse|Lex|undefined variable|unknown/i.test(`${result.error_type} ${result.error_message}`);
  throw new EngineError(parse ? "parse" : "crash", `tla-checker could not check the module: ${result.error_type}: ${result.error_message}`);
}

/** tla-checker prints a trace as text: `State n` headers, then `  name = value` lines. */
function parseTrace(text: string): Record<string, string>[] {
  const states: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split("\n")) {
    if (/^State \d+/.test(line)) {
      current = {};
      states.push(current);
      continue;
    }
    const m = /^ {2}([A-Za-z_][A-Za-z0-9_]*) = (.*)$/.exec(line);
    if (m && current && m[1] !== undefined && m[2] !== undefined) {
      current[m[1]] = m[2];
      last = m[1];
    } else if (current && last && line.trim() !== "") current[last] += `\n${line}`;
  }
  return states;
}

const sameDisplay = (a: Record<string, string>, b: Record<string, string>) => Object.keys(b).every((k) => a[k] === b[k]);

/**
 * Walks the printed trace through tla-checker's own stepping API to recover the action taken at each
 * step and the states in typed JSON form.
 */
function replayTrace(input: EmbeddedInput, printed: Record<string, string>[]): { action: string; state: TraceState }[] {
  const call = <T>(text: string): T => {
    const r = JSON.parse(text) as T & { ok: boolean; error?: string };
    if (!r.ok) throw new EngineError("crash", `tla-checker could not replay its counterexample: ${r.error ?? "unknown error"}`);
    return r;
  };
  const [first, ...rest] = printed;
  if (!first) return [];
  const init = call<{ states: CheckerState[] }>(explore_init(forTlaChecker(input.moduleText), input.cfgText, "{}"));
  const start = init.states.find((s) => sameDisplay(s.display, first));
  if (!start) throw new EngineError("crash", "tla-checker's counterexample does not start in an initial state");
  let current: CheckerState = start;
  const out = [{ action: "Init", state: stateFromChecker(input.spec, current.json) }];
  for (const want of rest) {
    const next: { transitions: { action: string; state: CheckerState }[] } = call(
      explore_next(forTlaChecker(input.moduleText), input.cfgText, "{}", JSON.stringify(current.json)),
    );
    const t = next.transitions.find((x: { action: string; state: CheckerState }) => sameDisplay(x.state.display, want));
    if (!t) throw new EngineError("crash", `tla-checker's counterexample has a step (${out.length}) that its own Next does not take`);
    current = t.state;
    out.push({ action: t.action, state: stateFromChecker(input.spec, t.state.json) });
  }
  return out;
}

/** The initial states of the module (canonical JSON), for conformance. */
export function embeddedInitialStates(input: Pick<EmbeddedInput, "spec" | "moduleText" | "cfgText">): TraceState[] {
  ensureLoaded();
  const r = JSON.parse(explore_init(forTlaChecker(input.moduleText), input.cfgText, "{}")) as { ok: boolean; error?: string; states?: CheckerState[] };
  if (!r.ok || !r.states) throw new EngineError("parse", `tla-checker: ${r.error ?? "no initial states"}`);
  return r.states.map((s) => stateFromChecker(input.spec, s.json));
}

/** The successors of a state according to the module's Next (canonical JSON), with action names. */
export function embeddedSuccessors(
  input: Pick<EmbeddedInput, "spec" | "moduleText" | "cfgText">,
  state: TraceState,
): { action: string; state: TraceState }[] {
  ensureLoaded();
  const json = JSON.stringify(stateToChecker(input.spec, state));
  const r = JSON.parse(explore_next(forTlaChecker(input.moduleText), input.cfgText, "{}", json)) as {
    ok: boolean;
    error?: string;
    transitions?: { action: string; state: CheckerState }[];
  };
  if (!r.ok || !r.transitions) throw new EngineError("crash", `tla-checker explore_next: ${r.error ?? "failed"}`);
  return r.transitions.map((t) => ({ action: t.action, state: stateFromChecker(input.spec, t.state.json) }));
}


/** The value of a boolean TLA+ expression (a constraint's name, say) in a state, according to the module. */
export function embeddedHolds(input: Pick<EmbeddedInput, "spec" | "moduleText" | "cfgText">, state: TraceState, expression: string): boolean {
  ensureLoaded();
  const json = JSON.stringify(stateToChecker(input.spec, state));
  const r = JSON.parse(explore_eval(forTlaChecker(input.moduleText), input.cfgText, "{}", json, expression)) as { ok: boolean; error?: string; json?: Json };
  if (!r.ok || typeof r.json !== "boolean") throw new EngineError("crash", `tla-checker explore_eval ${expression}: ${r.error ?? `not a boolean: ${JSON.stringify(r.json)}`}`);
  return r.json;
}

/** Whether each invariant of the cfg holds in a state, according to the module (or why it could not be evaluated). */
export function embeddedInvariants(input: Pick<EmbeddedInput, "spec" | "moduleText" | "cfgText">, state: TraceState): { name: string; holds: boolean; error?: string }[] {
  ensureLoaded();
  const json = JSON.stringify(stateToChecker(input.spec, state));
  const r = JSON.parse(explore_invariants(forTlaChecker(input.moduleText), input.cfgText, "{}", json)) as {
    ok: boolean;
    error?: string;
    invariants?: { name: string; holds: boolean; error?: string }[];
  };
  if (!r.ok || !r.invariants) throw new EngineError("crash", `tla-checker explore_invariants: ${r.error ?? "failed"}`);
  return r.invariants;
}
