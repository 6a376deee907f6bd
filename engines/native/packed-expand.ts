/**
 * Expanding packed states: a compiled module with an `emit` that packs each successor (only the words
 * its step wrote), fingerprints it and queues it in a batch, for the explorer (main thread) or a
 * worker to look up in the fingerprint table all at once. Also the packed state lists and the
 * invariant checks both share.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { FP, RecentFingerprints, hashWords } from "./fingerprint.ts";
import type { PackedCoverage } from "./packed-coverage.ts";
import { type Emit, type PackedModule, type Work, instantiate, newState, outOfRangeError } from "./packed-model.ts";

/** A list of packed states (a fixed number of words each) in chunks, in a SharedArrayBuffer when workers read it. */
export class StateList {
  length = 0;
  readonly chunks: Int32Array[];

  constructor(
    readonly words: number,
    readonly shared = false,
    readonly per = 1 << 16,
    chunks: Int32Array[] = [],
    length = 0,
  ) {
    this.chunks = chunks;
    this.length = length;
  }

  push(src: Int32Array, o: number): void {
    const at = this.add();
    const chunk = this.tail;
    for (let i = 0; i < this.words; i++) chunk[at + i] = src[o + i] as number;
  }

  /** The chunk `add` last returned an offset in. */
  tail: Int32Array = new Int32Array(0);

  /** Adds an entry, to be written at `tail[offset…]`; returns the offset. */
  add(): number {
    const c = Math.floor(this.length / this.per);
    // Not read past the end (see Chunked.chunkFor in fingerprint.ts).
    let chunk = c < this.chunks.length ? (this.chunks[c] as Int32Array) : null;
    if (!chunk) {
      const bytes = this.per * this.words * 4;
      chunk = new Int32Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
      this.chunks.push(chunk);
    }
    this.tail = chunk;
    const at = (this.length - c * this.per) * this.words;
    this.length += 1;
    return at;
  }

  /** Empties the list, keeping its chunks for what is pushed next (no allocation from level to level). */
  reset(): void {
    this.length = 0;
  }

  /** The chunk holding state i (its offset there is `offsetOf(i)`). */
  chunkOf(i: number): Int32Array {
    return this.chunks[Math.floor(i / this.per)] as Int32Array;
  }

  offsetOf(i: number): number {
    return (i % this.per) * this.words;
  }

  get bytes(): number {
    return this.chunks.length * this.per * this.words * 4;
  }
}

export interface Checks {
  names: string[];
  typeOk: boolean;
  /** Per name: the compiled invariant's index, or -1 for TypeOK. */
  indices: number[];
}

/** The invariants to check, resolved: TypeOK is the layout's range check, the rest compiled functions. */
export function invariantChecks(program: PackedProgram, names: string[] | undefined): Checks {
  const all = ["TypeOK", ...program.invariants.map((i) => i.name)];
  const wanted = names ?? all;
  for (const n of wanted) if (!all.includes(n)) throw new EngineError("usage", `There is no invariant "${n}" (invariants: ${all.join(", ")}).`);
  return { names: wanted, typeOk: wanted.includes("TypeOK"), indices: wanted.map((n) => all.indexOf(n) - 1) };
}

/** The first of the checked invariants a working-form state breaks (TypeOK when it cannot be packed). */
export function firstViolated(mod: PackedModule, checks: Checks, state: Work, packable: boolean): string | undefined {
  for (let k = 0; k < checks.indices.length; k++) {
    const i = checks.indices[k] as number;
    if (i < 0) {
      if (!packable) return "TypeOK";
    } else if (!(mod.invariants[i] as (s: Work) => boolean)(state)) return checks.names[k];
  }
  return undefined;
}

/** Thrown through the compiled successors to stop an expansion. */
export class Halt {}
export const HALT = new Halt();

/** Successors wait in a batch for the fingerprint table, so its cache misses overlap. */
export const BATCH = 256;

/** A successor TypeOK rejects: an integer outside its declared range, so it has no packed form. */
export interface OutOfRange {
  parent: number;
  via: number;
  invariant: string;
}

/**
 * Runs the compiled successors of one packed state after another, leaving the successors in a batch:
 * words, fingerprint, parent number and transition index. The owner empties the batch (`onFull` is
 * called when it is full, and the owner should also empty it after every few states).
 */
export class Expander {
  readonly mod: PackedModule;
  readonly source: Work;
  readonly words: Int32Array;
  readonly fps: Int32Array;
  readonly parents: Int32Array;
  readonly vias: Int32Array;
  /** Per queued successor, its emission site (with coverage, or after `recordActions()`) and process (after `recordActions()`, for the liveness graph). */
  sites: Int32Array;
  selves: Int32Array = new Int32Array(0);
  private recording = false;
  /** The fingerprints queued lately (engines/native/fingerprint.ts): it may only hold ones the owner has or has queued. */
  readonly recent = new RecentFingerprints();
  size = 0;
  generated = 0;
  /** Set when a successor could not be packed (the expansion then stops with HALT). */
  outOfRange: OutOfRange | null = null;
  /** The owner's flush can stop the expansion by setting this. */
  halted = false;
  private parent = -1;
  private via = 0;
  private base: Int32Array;
  private baseOffset = 0;
  private readonly canon: Int32Array;

  constructor(
    readonly program: PackedProgram,
    readonly checks: Checks,
    /** Called when the batch is full: the owner empties it. */
    public onFull: () => void,
    /** Counts transitions per emission site (and the owner counts new states per site from `sites`). */
    readonly coverage: PackedCoverage | null = null,
  ) {
    const W = program.layout.words;
    this.words = new Int32Array(BATCH * W);
    this.fps = new Int32Array(2 * BATCH);
    this.parents = new Int32Array(BATCH);
    this.vias = new Int32Array(BATCH);
    this.sites = new Int32Array(coverage ? BATCH : 0);
    this.canon = new Int32Array(W);
    this.base = this.words;
    this.source = newState(program);
    const emit: Emit = (state, site, self) => {
      this.generated++;
      const o = this.size * W;
      if (!mod.packFrom(state, this.base, this.baseOffset, this.words, o)) {
        if (!checks.typeOk) throw outOfRangeError(program, state, site, self);
        this.outOfRange = { parent: this.parent, via: this.via, invariant: firstViolated(mod, checks, state, false) ?? "TypeOK" };
        throw HALT;
      }
      const canonical = mod.canonical;
      if (canonical) {
        canonical(state, this.canon, 0);
        hashWords(this.canon, 0, W);
      } else hashWords(this.words, o, W);
      // A successor met lately is a state the owner has (or has queued before it): it is dropped here
      // (about six in ten on md/raid5), unless every transition is wanted (recordActions).
      if (!this.recording && this.recent.metAt(FP, 0)) {
        this.via++;
        return;
      }
      const i = this.size;
      this.fps[2 * i] = FP[0] as number;
      this.fps[2 * i + 1] = FP[1] as number;
      this.parents[i] = this.parent;
      this.vias[i] = this.via++;
      if (this.recording) {
        this.sites[i] = site;
        this.selves[i] = +self;
      }
      if (++this.size === BATCH) {
        this.onFull();
        if (this.halted) throw HALT;
      }
    };
    // Coverage wraps the emit; without it the explorer runs the code above alone.
    const mod = instantiate(
      program,
      coverage
        ? (state, site, self) => {
            coverage.emit(site, mod.BR);
            this.sites[this.size] = site;
            emit(state, site, self);
          }
        : emit,
    );
    this.mod = mod;
  }

  /** From now on, the batch also holds each successor's emission site and process, and every successor (none met lately is dropped). */
  recordActions(): void {
    if (this.sites.length < BATCH) this.sites = new Int32Array(BATCH);
    this.selves = new Int32Array(BATCH);
    this.recording = true;
  }

  /** Unpacks state `id` (packed at `chunk[offset…]`) and checks it: the first invariant it breaks, if any. */
  load(chunk: Int32Array, offset: number, id: number): string | undefined {
    this.base = chunk;
    this.baseOffset = offset;
    this.parent = id;
    this.mod.unpack(chunk, offset, this.source);
    return firstViolated(this.mod, this.checks, this.source, true);
  }

  /** Queues the successors of the state last loaded (may throw HALT or a compiled-code crash). */
  expand(): void {
    this.via = 0;
    this.mod.successors(this.source);
  }

  /** The fingerprint of the initial state and its packed form (null when it cannot be packed). */
  initial(): { words: Int32Array; fp: [number, number] } | null {
    const W = this.program.layout.words;
    this.mod.init(this.source);
    const words = new Int32Array(W);
    if (!this.mod.pack(this.source, words, 0)) return null;
    if (this.mod.canonical) {
      this.mod.canonical(this.source, this.canon, 0);
      hashWords(this.canon, 0, W);
    } else hashWords(words, 0, W);
    return { words, fp: [FP[0] as number, FP[1] as number] };
  }
}
