/**
 * Reads the counterexample TLC writes with `-dumpTrace json <file>`: `vars` (the variable names),
 * `counterexample.state` (numbered states, each an object of variable values) and
 * `counterexample.action` (each step: the state before, the action with its name, location and
 * arguments (`context`), the state after). Values are JSON as TLC writes them: integers, strings,
 * booleans, objects for records and for functions (keys as text), arrays for sequences and sets.
 */
import type { Json } from "../result.ts";
import type { TlcLocation } from "./parse-output.ts";

export interface TlcJsonTraceState {
  /** TLC's 1-based state number. */
  index: number;
  values: Record<string, Json>;
}

export interface TlcJsonTraceStep {
  from: number;
  to: number;
  action: string;
  /** The action's arguments by parameter name (`{ self: 0 }`). */
  context: Record<string, Json>;
  location?: TlcLocation;
}

export interface TlcJsonTrace {
  variables: string[];
  states: TlcJsonTraceState[];
  steps: TlcJsonTraceStep[];
}

type Raw = { [key: string]: unknown };
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

function fail(what: string): never {
  throw new Error(`not a TLC -dumpTrace json trace: ${what}`);
}

function state(entry: unknown): TlcJsonTraceState {
  if (!Array.isArray(entry) || typeof entry[0] !== "number" || !isObject(entry[1])) return fail("a state is not [number, {variables}]");
  return { index: entry[0], values: entry[1] as Record<string, Json> };
}

export function readTlcTraceJson(text: string): TlcJsonTrace {
  const raw: unknown = JSON.parse(text);
  if (!isObject(raw) || !Array.isArray(raw.vars) || !isObject(raw.counterexample)) return fail("no vars or counterexample");
  const ce = raw.counterexample;
  if (!Array.isArray(ce.state) || !Array.isArray(ce.action)) return fail("the counterexample has no state or action list");
  const variables = raw.vars.map((v) => (typeof v === "string" ? v : fail("a variable name is not a string")));
  const states = ce.state.map(state);
  const steps = ce.action.map((a): TlcJsonTraceStep => {
    if (!Array.isArray(a) || a.length !== 3 || !isObject(a[1])) return fail("a step is not [state, action, state]");
    const info = a[1];
    if (typeof info.name !== "string") return fail("an action has no name");
    const loc = isObject(info.location) ? info.location : undefined;
    const location: TlcLocation | undefined =
      loc && typeof loc.module === "string"
        ? { module: loc.module, line: Number(loc.beginLine), column: Number(loc.beginColumn), endLine: Number(loc.endLine), endColumn: Number(loc.endColumn) }
        : undefined;
    return {
      from: state(a[0]).index,
      to: state(a[2]).index,
      action: info.name,
      context: isObject(info.context) ? (info.context as Record<string, Json>) : {},
      ...(location ? { location } : {}),
    };
  });
  for (const s of states) for (const v of variables) if (!(v in s.values)) fail(`state ${s.index} has no value for ${v}`);
  return { variables, states, steps };
}
