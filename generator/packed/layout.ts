/**
 * The packed layout of one (spec, variant, configuration): every state variable, process-local
 * variable and pc flattened into scalar slots, and every slot given a fixed number of bits in a few
 * 32-bit words.
 *
 * Two forms of a state follow from it:
 * - the working form: an Int32Array with one number per slot, which compiled steps read and write
 *   directly (a boolean is 0/1, an integer is itself, a tag or label is its number in the spec's
 *   string table, none is `NONE`, a set is a bit mask over its element domain). Integers are 32-bit,
 *   as TLC's are: a value that does not fit stops the check;
 * - the packed form: `words` 32-bit words, each slot's code (its value's position in its domain) at
 *   its bit offset. The explorer keeps states only in this form.
 *
 * Slots follow the reference library's order: variables in declaration order (maps by key position,
 * records field by field), each process-local variable over the processes of its set, then pc.
 */
import type { Spec } from "../ir.ts";
import { type CType, type ConcreteContext, PackedUnsupported, type ScalarJson, cardinality, concrete, describe, enumerate, isScalar, sortStrings } from "./types.ts";

/**
 * The working form's none: the one 32-bit integer no slot may hold (`ci` stops at it). It is -2^30,
 * within V8's small integers, so passing none around allocates nothing (-2^31 would be boxed).
 */
export const NONE = -1073741824;

export interface Slot {
  /** Position in the working form. */
  index: number;
  /** A readable name: `count[1]`, `towrite[1][0]`, `wsh[2]`, `pc[4]`. */
  name: string;
  /** The slot's type: a scalar, a set of scalars, or (for pc) the labels of its process as tags. */
  type: CType;
  label: boolean;
  /** Number of codes (values) of the slot. */
  size: number;
  bits: number;
  word: number;
  shift: number;
}

export interface Place {
  name: string;
  type: CType;
  /** Position of the first slot in the working form. */
  offset: number;
}

export interface ProcessLayout {
  name: string;
  over: string;
  /** The process identities, sorted (as JSON values). */
  ids: ScalarJson[];
  idType: CType;
  /** The first pc slot of this process set. */
  pcOffset: number;
  /** Labels a process of this set can be at: its steps in this variant, then Done. */
  labels: string[];
  locals: (Place & { stride: number })[];
}

export interface Layout {
  slots: Slot[];
  /** Slots in the working form. */
  width: number;
  words: number;
  bits: number;
  variables: Place[];
  processes: ProcessLayout[];
  /** Every string by number (see `stringTable`). */
  strings: string[];
  stringId: ReadonlyMap<string, number>;
}

/** How many slots a value of the type takes in the working form. */
export function slotCount(t: CType, where: string): number {
  switch (t.kind) {
    case "map":
      return cardinality(t.key, where) * slotCount(t.value, where);
    case "record":
      return t.fields.reduce((n, f) => n + slotCount(f.type, where), 0);
    default:
      return 1;
  }
}

/** The largest set whose bit mask the compiled form handles in one slot. */
export const MAX_SET = 30;

export function buildLayout(spec: Spec, cx: ConcreteContext, strings: string[]): Layout {
  const stringId = new Map(strings.map((s, i) => [s, i]));
  const slots: Slot[] = [];
  const add = (name: string, type: CType, label = false) => {
    const where = `${spec.source}: ${name}`;
    let size: number;
    if (type.kind === "set") {
      if (!isScalar(type.element)) throw new PackedUnsupported(where, "a set of compound values (the compiled explorer keeps sets of scalars as bit masks)");
      const n = cardinality(type.element, where);
      if (n > MAX_SET) throw new PackedUnsupported(where, `a set over ${n} values (the compiled explorer keeps sets of at most ${MAX_SET} values)`);
      size = 2 ** n;
    } else {
      if (!isScalar(type)) throw new PackedUnsupported(where, `a value of type ${describe(type)} the compiled explorer cannot lay out`);
      size = cardinality(type, where);
    }
    if (size < 1) throw new PackedUnsupported(where, `the type ${describe(type)} has no values`);
    const bits = size <= 1 ? 0 : Math.ceil(Math.log2(size));
    if (bits > 32) throw new PackedUnsupported(where, `the type ${describe(type)} needs ${bits} bits (at most 32 per value)`);
    slots.push({ index: slots.length, name, type, label, size, bits, word: 0, shift: 0 });
  };
  const flatten = (name: string, t: CType): void => {
    if (t.kind === "map") {
      const where = `${spec.source}: ${name}`;
      if (!isScalar(t.key)) throw new PackedUnsupported(where, "a map whose keys are not scalars");
      for (const k of enumerate(t.key, where)) flatten(`${name}[${keyText(k)}]`, t.value);
    } else if (t.kind === "record") for (const f of t.fields) flatten(`${name}.${f.name}`, f.type);
    else add(name, t);
  };

  const variables: Place[] = spec.variables.map((v) => {
    const type = concrete(v.type, cx);
    const offset = slots.length;
    flatten(v.name, type);
    return { name: v.name, type, offset };
  });
  const processes: ProcessLayout[] = spec.processes.map((p) => {
    const idType = concrete({ kind: "named", name: p.over }, cx);
    const ids = enumerate(idType, `${spec.source}: process set ${p.name}`);
    const locals = p.locals.map((l) => {
      const type = concrete(l.type, cx);
      const offset = slots.length;
      for (const id of ids) flatten(`${l.name}[${keyText(id)}]`, type);
      return { name: l.name, type, offset, stride: slotCount(type, spec.source) };
    });
    return { name: p.name, over: p.over, ids, idType, pcOffset: 0, labels: [...new Set([...p.steps.map((s) => s.label), "Done"])], locals };
  });
  for (const p of processes) {
    p.pcOffset = slots.length;
    for (const id of p.ids) add(`pc[${keyText(id)}]`, { kind: "enum", values: sortStrings(p.labels) }, true);
  }
  const ids = processes.flatMap((p) => p.ids.map((id) => JSON.stringify(id)));
  if (new Set(ids).size !== ids.length) throw new PackedUnsupported(spec.source, "two process sets share a process identity");

  // First fit, widest first: a slot never straddles two words.
  const free: number[] = [];
  for (const slot of [...slots].sort((a, b) => b.bits - a.bits || a.index - b.index)) {
    if (slot.bits === 0) continue;
    let w = free.findIndex((f) => f >= slot.bits);
    if (w < 0) {
      w = free.length;
      free.push(32);
    }
    slot.word = w;
    slot.shift = 32 - (free[w] ?? 32);
    free[w] = (free[w] ?? 32) - slot.bits;
  }
  return {
    slots,
    width: slots.length,
    words: Math.max(1, free.length),
    bits: slots.reduce((n, s) => n + s.bits, 0),
    variables,
    processes,
    strings,
    stringId,
  };
}

/** The text of a map key in JSON, as the reference library writes it. */
export function keyText(k: ScalarJson): string {
  return String(k);
}

/** A one-line description of a layout, for reports. */
export function describeLayout(layout: Layout): string {
  return `${layout.bits} bits in ${layout.words} 32-bit word${layout.words === 1 ? "" : "s"} per state (${layout.width} values)`;
}
