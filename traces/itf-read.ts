/**
 * Reading an ITF trace (the Informal Trace Format of Apalache and Quint) back into trace steps with
 * states in the canonical JSON form, for `raidspec show`. What raidspec's own ITF writer records in
 * `#meta` (spec file, variant, configuration, invariant; per state the step, process and choices) is
 * read when present; a trace from another tool gives states alone.
 */
import type { Json, TraceState, TraceStep } from "../engines/result.ts";
import { compareJson } from "../engines/state-json.ts";
import { keyText } from "./eval.ts";

export interface ItfTrace {
  /** The spec source file the trace was checked against (raidspec's `#meta.source`). */
  source?: string;
  variant?: string | null;
  config?: string;
  invariant?: string;
  engine?: string;
  description?: string;
  trace: TraceStep[];
  loopStart?: number;
}

export class ItfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ItfError";
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** An ITF value as canonical JSON: #bigint → number, #set → sorted array, #map/#tup → object by key text. */
export function fromItf(v: unknown, where: string): Json {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.map((x, i) => fromItf(x, `${where}[${i}]`));
  if (!isObj(v)) throw new ItfError(`${where}: not an ITF value`);
  if ("#bigint" in v) {
    const n = Number(v["#bigint"]);
    if (!Number.isSafeInteger(n)) throw new ItfError(`${where}: the integer ${String(v["#bigint"])} is beyond the safe range`);
    return n;
  }
  if ("#set" in v) {
    if (!Array.isArray(v["#set"])) throw new ItfError(`${where}: #set is not an array`);
    return v["#set"].map((x, i) => fromItf(x, `${where}{${i}}`)).sort(compareJson);
  }
  if ("#tup" in v) {
    if (!Array.isArray(v["#tup"])) throw new ItfError(`${where}: #tup is not an array`);
    return Object.fromEntries(v["#tup"].map((x, i) => [String(i + 1), fromItf(x, `${where}<${i + 1}>`)]));
  }
  if ("#map" in v) {
    const entries = v["#map"];
    if (!Array.isArray(entries)) throw new ItfError(`${where}: #map is not an array of pairs`);
    const out: Record<string, Json> = {};
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 2) throw new ItfError(`${where}: a #map entry is not a [key, value] pair`);
      const k = fromItf(e[0], `${where} key`);
      out[keyText(k)] = fromItf(e[1], `${where}[${keyText(k)}]`);
    }
    return out;
  }
  if ("#unserializable" in v) return v["#unserializable"] === "NoValue" ? null : String(v["#unserializable"]);
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith("#")) out[k] = fromItf(x, `${where}.${k}`);
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function readItf(text: string, file: string): ItfTrace {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ItfError(`${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObj(doc) || !Array.isArray(doc.states)) throw new ItfError(`${file} is not an ITF trace (it has no "states" array)`);
  const meta = isObj(doc["#meta"]) ? doc["#meta"] : {};
  const vars = Array.isArray(doc.vars) ? doc.vars.filter((x): x is string => typeof x === "string") : undefined;
  const trace: TraceStep[] = doc.states.map((raw, i) => {
    if (!isObj(raw)) throw new ItfError(`${file}: state ${i} is not an object`);
    const m = isObj(raw["#meta"]) ? raw["#meta"] : {};
    const state: TraceState = {};
    for (const name of vars ?? Object.keys(raw).filter((k) => !k.startsWith("#"))) {
      if (!(name in raw)) throw new ItfError(`${file}: state ${i} has no value for ${name}`);
      state[name] = fromItf(raw[name], `${file}: state ${i}: ${name}`);
    }
    const processSet = str(m.processSet);
    const params = isObj(m.params) ? (fromItf(m.params, `${file}: state ${i}: params`) as Record<string, Json>) : {};
    return {
      step: i === 0 ? "Init" : (str(m.step) ?? str(m.action) ?? `step ${i}`),
      process: i === 0 ? null : ((m.self as Json | undefined) ?? null),
      ...(processSet ? { processSet } : {}),
      params,
      state,
    };
  });
  if (trace.length === 0) throw new ItfError(`${file} has no states`);
  const loop = typeof doc.loop === "number" ? doc.loop : isObj(doc.loop) && "#bigint" in doc.loop ? Number(doc.loop["#bigint"]) : undefined;
  const variant = meta.variant === null ? null : str(meta.variant);
  return {
    ...(str(meta.source) ? { source: str(meta.source) } : {}),
    ...(variant !== undefined ? { variant } : {}),
    ...(str(meta.config) ? { config: str(meta.config) } : {}),
    ...(str(meta.invariant) ? { invariant: str(meta.invariant) } : {}),
    ...(str(meta.engine) ? { engine: str(meta.engine) } : {}),
    ...(str(meta.description) ? { description: str(meta.description) } : {}),
    trace,
    ...(loop !== undefined ? { loopStart: loop } : {}),
  };
}
