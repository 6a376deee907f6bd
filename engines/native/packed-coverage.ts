/**
 * Coverage counting for the compiled explorer: per emission site (one per path through a step body to
 * its goto, per process identity where steps are specialized), the transitions emitted through it and
 * the new states it found first. A site whose path has `if`s with a shared continuation is counted per
 * combination of the arms those took (read from the module's `BR` in coverage mode). The counts
 * become step and arm counts once, at the end (`counts`).
 *
 * The explorer's code without coverage is untouched: the compiled form is the other one (compiled
 * with `coverage: false`) and the counting wraps its `emit` only when coverage is on.
 */
import { type PathItem, pathArms } from "../../generator/branches.ts";
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { CoverageCounts } from "../coverage.ts";

/** The slots of `BR` a path reads, in a fixed order. */
function slotsOf(items: readonly PathItem[], into: number[] = []): number[] {
  for (const item of items) {
    if (typeof item === "string") continue;
    into.push(item.slot);
    slotsOf(item.then, into);
    slotsOf(item.else, into);
  }
  return into;
}

export class PackedCoverage {
  /** Transitions emitted per site (for sites without `if` slots). */
  readonly emitted: Float64Array;
  /** New states found first per site. */
  readonly found: Float64Array;
  /** Per site with `if` slots: the slots, and the transitions per combination of their values. */
  private readonly slots: (number[] | null)[];
  private readonly bySignature: (Map<number, number> | null)[];

  constructor(readonly program: PackedProgram) {
    const n = program.emits.length;
    this.emitted = new Float64Array(n);
    this.found = new Float64Array(n);
    this.slots = program.emits.map((e) => {
      const s = slotsOf(e.path);
      return s.length ? s : null;
    });
    if (this.slots.some((s) => s !== null) && !program.coverage)
      throw new Error("coverage needs the compiled form made in coverage mode (compilePacked(…, { coverage: true }))");
    if (this.slots.some((s) => s !== null && s.length > 30)) throw new Error("coverage: a path with more than 30 ifs");
    this.bySignature = this.slots.map((s) => (s ? new Map() : null));
  }

  /** A transition emitted at `site`, with the module's `BR` as it is now. */
  emit(site: number, BR: Int8Array): void {
    this.emitted[site]++;
    const slots = this.slots[site];
    if (!slots) return;
    let sig = 0;
    for (let i = 0; i < slots.length; i++) sig |= (BR[slots[i] as number] as number) << i;
    const m = this.bySignature[site] as Map<number, number>;
    m.set(sig, (m.get(sig) ?? 0) + 1);
  }

  /** The step and arm counts (the initial state counted once: the compiled form has one). */
  counts(): CoverageCounts {
    const c = new CoverageCounts();
    c.initGenerated = 1;
    c.initDistinct = 1;
    this.program.emits.forEach((e, site) => {
      const label = this.program.steps[e.step]?.label ?? "?";
      c.found(label, this.found[site] ?? 0);
      const slots = this.slots[site];
      if (!slots) {
        c.byArms(label, pathArms(e.path, []), this.emitted[site] ?? 0);
        return;
      }
      for (const [sig, n] of this.bySignature[site] ?? []) {
        const values: number[] = [];
        slots.forEach((slot, i) => (values[slot] = (sig >>> i) & 1));
        c.byArms(label, pathArms(e.path, values), n);
      }
    });
    return c;
  }
}
