/**
 * The compact notation traces are shown in: values as a reader writes them (`{0: none, 1: full}`,
 * `none`, `{1, 2}`), never raw JSON, and changes as the keys that changed (`towrite[1][0]: none →
 * full`), siblings with the same change merged (`batchReady[*]: true → false`, `[*]` meaning every key).
 */
import type { Spec, Type } from "../generator/ir.ts";
import type { Json, TraceState } from "../engines/result.ts";
import { canonicalString, resolveType, stateTypes } from "../engines/state-json.ts";

/** A value in the compact notation. */
export function formatValue(v: Json): string {
  if (v === null) return "none";
  if (typeof v === "string") return /^[A-Za-z0-9_./@#-]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `{${v.map(formatValue).join(", ")}}`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}: ${formatValue(x)}`)
    .join(", ")}}`;
}

/** A place in a state: the variable and the keys or fields below it. */
export interface Entry {
  /** `towrite[1][0]`, `rec.field`, `batchReady[*]`. */
  path: string;
  before?: Json;
  value: Json;
}

/** Whether a key under a value of type `t` is a map key (`[k]`) or a record field (`.f`). */
export type Shape = { kind: "map"; value: Shape } | { kind: "record"; fields: Map<string, Shape> } | { kind: "leaf" };

export function shapeOf(spec: Spec | undefined, t: Type | undefined): Shape {
  if (!spec || !t) return { kind: "leaf" };
  const r = resolveType(spec, t);
  if (r.kind === "map") return { kind: "map", value: shapeOf(spec, r.value) };
  if (r.kind === "record") return { kind: "record", fields: new Map(r.fields.map((f) => [f.name, shapeOf(spec, f.type)])) };
  return { kind: "leaf" };
}

/** Without types, every object is read as a map. */
function looseShape(v: Json): Shape {
  return isObject(v) ? { kind: "map", value: looseShape(Object.values(v)[0] ?? null) } : { kind: "leaf" };
}

export function shapes(spec: Spec | undefined): Map<string, Shape> {
  const out = new Map<string, Shape>();
  if (!spec) return out;
  for (const [name, t] of stateTypes(spec)) out.set(name, shapeOf(spec, t));
  return out;
}

const isObject = (v: Json | undefined): v is Record<string, Json> => v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);

interface Leaf {
  rest: string;
  before?: Json;
  value: Json;
}

/**
 * The leaves below a value where `pick` holds, with siblings that share a suffix and values merged
 * into one entry (`[0,2]`, or `[*]` for every key).
 */
function leaves(shape: Shape, a: Json | undefined, b: Json, pick: (a: Json | undefined, b: Json) => boolean): Leaf[] {
  if (shape.kind === "leaf" || !isObject(b) || (a !== undefined && !isObject(a))) return pick(a, b) ? [{ rest: "", ...(a === undefined ? {} : { before: a }), value: b }] : [];
  const below = (k: string) => leaves(shape.kind === "map" ? shape.value : (shape.fields.get(k) ?? { kind: "leaf" }), a === undefined ? undefined : a[k], b[k] ?? null, pick);
  const keys = Object.keys(b);
  if (shape.kind === "record") return keys.flatMap((k) => below(k).map((leaf) => ({ ...leaf, rest: `.${k}${leaf.rest}` })));
  const groups = new Map<string, { keys: string[]; leaf: Leaf }>();
  for (const k of keys) {
    for (const leaf of below(k)) {
      const id = `${leaf.rest}\u0000${leaf.before === undefined ? "" : canonicalString(leaf.before)}\u0000${canonicalString(leaf.value)}`;
      const g = groups.get(id);
      if (g) g.keys.push(k);
      else groups.set(id, { keys: [k], leaf });
    }
  }
  return [...groups.values()].map(({ keys: ks, leaf }) => ({ ...leaf, rest: `${ks.length > 1 && ks.length === keys.length ? "[*]" : `[${ks.join(",")}]`}${leaf.rest}` }));
}

function shapeFor(shapeMap: Map<string, Shape>, name: string, v: Json): Shape {
  return shapeMap.get(name) ?? looseShape(v);
}

/** What changed from one state to the next, one entry per changed place (merged as above). */
export function changedEntries(before: TraceState, after: TraceState, shapeMap: Map<string, Shape>): Entry[] {
  const out: Entry[] = [];
  for (const name of Object.keys(after)) {
    const a = before[name] ?? null;
    const b = after[name] ?? null;
    if (canonicalString(a) === canonicalString(b)) continue;
    const changed = (x: Json | undefined, y: Json) => canonicalString(x ?? null) !== canonicalString(y);
    for (const leaf of leaves(shapeFor(shapeMap, name, b), a, b, changed)) out.push({ path: `${name}${leaf.rest}`, before: leaf.before ?? null, value: leaf.value });
  }
  return out;
}

/** The places of a state whose value differs from the idle one (the whole value where no idle is known). */
export function nonIdleEntries(state: TraceState, idle: TraceState, shapeMap: Map<string, Shape>): Entry[] {
  const out: Entry[] = [];
  for (const name of Object.keys(state)) {
    const v = state[name] ?? null;
    const i = idle[name];
    if (i === undefined) {
      out.push({ path: name, value: v });
      continue;
    }
    if (canonicalString(i) === canonicalString(v)) continue;
    const differs = (x: Json | undefined, y: Json) => x === undefined || canonicalString(x) !== canonicalString(y);
    // Compare leaf by leaf against the idle value; report the state's values.
    for (const leaf of leaves(shapeFor(shapeMap, name, v), i, v, differs)) out.push({ path: `${name}${leaf.rest}`, value: leaf.value });
  }
  return out;
}

export const formatChange = (e: Entry): string => `${e.path}: ${formatValue(e.before ?? null)} → ${formatValue(e.value)}`;
export const formatAssignment = (e: Entry): string => `${e.path} = ${formatValue(e.value)}`;

/** Items joined with ", " into lines of at most `width` characters, each line starting with `indent`. */
export function wrapItems(items: string[], indent: string, width: number, separator = ", "): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line === "" ? item : `${line}${separator}${item}`;
    if (line !== "" && indent.length + next.length > width) {
      lines.push(`${indent}${line}${separator.trimEnd()}`);
      line = item;
    } else line = next;
  }
  if (line !== "") lines.push(`${indent}${line}`);
  return lines;
}

/** Text wrapped at word boundaries into lines of at most `width` characters. */
export function wrapText(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w !== "");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line !== "" && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === "" ? w : `${line} ${w}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
