/**
 * Symmetry reduction over the packed layout: for domains declared `symmetric(…)`, the code that maps
 * a state to the smallest packed form among all permutations of those domains' values (the state's
 * orbit representative), which the explorer fingerprints instead of the state.
 *
 * A permutation moves map entries keyed by a symmetric domain (and process-local variables and pc of
 * processes over it) to the permuted key, and maps slot values of the domain (plain, optional, or as
 * set elements) to the permuted value. That this is sound (the successors and invariants commute with
 * every permutation) is what the front end's check of symmetric domains ensures
 * (generator/frontend/symmetry.ts): their values are only compared, used as keys and identities.
 */
import type { DomainDecl, Spec, Type } from "../ir.ts";
import { type Layout, slotCount } from "./layout.ts";
import { type ConcreteContext, PackedUnsupported, concrete, enumerate } from "./types.ts";

export interface SymmetryInfo {
  /** The symmetric domains, in declaration order. */
  domains: string[];
  /** Permutations tried per state, the identity included. */
  permutations: number;
}

/** More permutations than this per state make the reduction cost more than it saves. */
const MAX_PERMUTATIONS = 40320;

/** What a slot is, for permuting: where its map keys of symmetric domains are, and whether its value is one. */
interface SlotRole {
  /** Per key of a symmetric domain on the slot's path: the domain, the key's position and the stride of that map. */
  keys: { domain: number; position: number; stride: number }[];
  /** The symmetric domain the slot's value belongs to, and how (plain, optional, a set of it). */
  value: { domain: number; kind: "plain" | "optional" | "set" } | null;
}

export function symmetryCode(spec: Spec, cx: ConcreteContext, layout: Layout): { code: string; info: SymmetryInfo } | null {
  const symmetric = spec.domains.filter((d) => d.symmetric);
  if (symmetric.length === 0) return null;
  const domains = new Map(spec.domains.map((d) => [d.name, d]));
  const index = new Map(symmetric.map((d, i) => [d.name, i]));
  const values = symmetric.map((d) => {
    const t = concrete(d.type, cx);
    if (t.kind !== "int" && t.kind !== "enum") throw new PackedUnsupported(`${d.loc.file}:${d.loc.line}:${d.loc.column}`, `the symmetric domain ${d.name} is not a range or an enum`);
    return { decl: d, type: t, reps: enumerate(t, spec.source).map((v) => (typeof v === "string" ? (layout.stringId.get(v) ?? -1) : Number(v))) };
  });
  const permutations = values.reduce((n, v) => n * factorial(v.reps.length), 1);
  if (permutations > MAX_PERMUTATIONS)
    throw new PackedUnsupported(spec.source, `symmetry over ${symmetric.map((d) => d.name).join(", ")} means ${permutations} permutations per state (at most ${MAX_PERMUTATIONS})`);

  const roles = slotRoles(spec, cx, layout, domains, index);
  // Every combination of one permutation per domain, the identity first.
  const perDomain = values.map((v) => permutationsOf(v.reps.length));
  const combos: number[][][] = [[]];
  for (const ps of perDomain) {
    const next: number[][][] = [];
    for (const c of combos) for (const p of ps) next.push([...c, p]);
    combos.splice(0, combos.length, ...next);
  }
  const dst: number[][] = [];
  combos.slice(1).forEach((combo) => {
    dst.push(
      roles.map((r, i) => i + r.keys.reduce((d, k) => d + ((combo[k.domain] as number[])[k.position]! - k.position) * k.stride, 0)),
    );
  });
  const width = layout.width;
  const lines: string[] = [];
  lines.push(`const SYM_DST = [${dst.map((d) => `new Int32Array([${d.join(", ")}])`).join(", ")}];`);
  // Value maps: for domain d under permutation k, old working-form value - offset → new value; for sets, bit i → bit π(i).
  const offsets = values.map((v) => Math.min(...v.reps));
  const valueMaps = combos.slice(1).map((combo) =>
    values.map((v, d) => {
      const perm = combo[d] as number[];
      const size = Math.max(...v.reps) - (offsets[d] as number) + 1;
      const table = new Array<number>(size).fill(0);
      v.reps.forEach((rep, i) => {
        table[rep - (offsets[d] as number)] = v.reps[perm[i] as number] as number;
      });
      return `new Int32Array([${table.join(", ")}])`;
    }),
  );
  lines.push(`const SYM_VAL = [${valueMaps.map((m) => `[${m.join(", ")}]`).join(", ")}];`);
  lines.push(`const SYM_BIT = [${combos.slice(1).map((combo) => `[${combo.map((p) => `new Int32Array([${p.join(", ")}])`).join(", ")}]`).join(", ")}];`);
  lines.push(`const SYM_OFF = new Int32Array([${offsets.join(", ")}]);`);
  // Per slot: 0 copy, 1 a value of domain d, 2 an optional one, 3 a set of it; and d.
  lines.push(`const SYM_KIND = new Int32Array([${roles.map((r) => (r.value ? { plain: 1, optional: 2, set: 3 }[r.value.kind] : 0)).join(", ")}]);`);
  lines.push(`const SYM_DOM = new Int32Array([${roles.map((r) => r.value?.domain ?? 0).join(", ")}]);`);
  lines.push(`const SYM_Q = new Int32Array(${width + 2});`);
  lines.push(`const SYM_T = new Int32Array(WORDS);`);
  lines.push(`/** The smallest packed form over the permutations of the symmetric domains (the state must pack). */
function canonical(D, out, o) {
  pack(D, out, o);
  for (let k = 0; k < SYM_DST.length; k++) {
    const dst = SYM_DST[k];
    const vals = SYM_VAL[k];
    const bits = SYM_BIT[k];
    for (let i = 0; i < WIDTH; i++) {
      const v = D[i];
      const kind = SYM_KIND[i];
      let w = v;
      if (kind === 1 || (kind === 2 && v !== NONE)) w = vals[SYM_DOM[i]][v - SYM_OFF[SYM_DOM[i]]];
      else if (kind === 3) {
        const b = bits[SYM_DOM[i]];
        w = 0;
        for (let j = 0; j < b.length; j++) if ((v >>> j) & 1) w |= 1 << b[j];
      }
      SYM_Q[dst[i]] = w;
    }
    SYM_Q[WIDTH] = 0;
    pack(SYM_Q, SYM_T, 0);
    for (let j = 0; j < WORDS; j++) {
      const a = SYM_T[j];
      const b = out[o + j];
      if (a === b) continue;
      if (a < b) for (let m = 0; m < WORDS; m++) out[o + m] = SYM_T[m];
      break;
    }
  }
}`);
  return { code: lines.join("\n"), info: { domains: symmetric.map((d) => d.name), permutations } };
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Every permutation of 0..n-1, the identity first. */
function permutationsOf(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) out.push(prefix);
    rest.forEach((x, i) => rec([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  rec([], Array.from({ length: n }, (_, i) => i));
  return out;
}

/**
 * The role of every slot, by walking the IR types (which still name their domains) in the layout's
 * order: variables, locals over their processes, pc.
 */
function slotRoles(spec: Spec, cx: ConcreteContext, layout: Layout, domains: ReadonlyMap<string, DomainDecl>, index: ReadonlyMap<string, number>): SlotRole[] {
  const roles: SlotRole[] = [];
  /** The symmetric domain a type names (through named aliases), and the type looked through. */
  const look = (t: Type): { sym: number | null; t: Type } => {
    let sym: number | null = null;
    let cur = t;
    for (let guard = 0; cur.kind === "named" && guard < 64; guard++) {
      const i = index.get(cur.name);
      if (i !== undefined && sym === null) sym = i;
      const d = domains.get(cur.name);
      if (!d) break;
      cur = d.type;
    }
    return { sym, t: cur };
  };
  const valueRole = (t: Type): SlotRole["value"] => {
    const a = look(t);
    if (a.sym !== null) return { domain: a.sym, kind: "plain" };
    if (a.t.kind === "optional") {
      const b = look(a.t.value);
      if (b.sym !== null) return { domain: b.sym, kind: "optional" };
    }
    if (a.t.kind === "set") {
      const b = look(a.t.element);
      if (b.sym !== null) return { domain: b.sym, kind: "set" };
    }
    return null;
  };
  const walk = (t: Type, keys: SlotRole["keys"]): void => {
    const a = look(t);
    if (a.t.kind === "map") {
      const k = look(a.t.key);
      if (k.t.kind === "optional" && look(k.t.value).sym !== null)
        throw new PackedUnsupported(spec.source, "a map keyed by an optional value of a symmetric domain (symmetry reduction handles keys of the domain itself)");
      const keyType = concrete(a.t.key, cx);
      const n = enumerate(keyType, spec.source).length;
      const stride = slotCount(concrete(a.t.value, cx), spec.source);
      for (let p = 0; p < n; p++) walk(a.t.value, k.sym !== null ? [...keys, { domain: k.sym, position: p, stride }] : keys);
      return;
    }
    if (a.t.kind === "record") {
      for (const f of a.t.fields) walk(f.type, keys);
      return;
    }
    roles.push({ keys, value: valueRole(t) });
  };
  for (const v of spec.variables) walk(v.type, []);
  spec.processes.forEach((p, pi) => {
    const pl = layout.processes[pi];
    const over = look({ kind: "named", name: p.over }).sym;
    for (const l of p.locals) {
      const stride = slotCount(concrete(l.type, cx), spec.source);
      pl?.ids.forEach((_, i) => walk(l.type, over !== null ? [{ domain: over, position: i, stride }] : []));
    }
  });
  spec.processes.forEach((p, pi) => {
    const pl = layout.processes[pi];
    const over = look({ kind: "named", name: p.over }).sym;
    pl?.ids.forEach((_, i) => roles.push({ keys: over !== null ? [{ domain: over, position: i, stride: 1 }] : [], value: null }));
  });
  if (roles.length !== layout.width) throw new Error(`symmetry: ${roles.length} slot roles for ${layout.width} slots`);
  return roles;
}
