/**
 * Fingerprints of packed states and the set of fingerprints seen.
 *
 * A packed state is a few 32-bit words; its fingerprint is two 32-bit hashes of them with different
 * mixing (a MurmurHash3 round and an xxHash32 round), used as one 64-bit value, as TLC does: two
 * distinct states share one with probability about n²/2⁶⁵ for n states, and one of them would then
 * be missed. The table is open addressing over an Int32Array of (hi, lo) pairs, which may live in a
 * SharedArrayBuffer so worker threads can read it.
 */

/** The last fingerprint computed: [hi, lo] (a typed array, so hashing allocates nothing). */
export const FP = new Int32Array(2);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hashes `n` words of `words` from `o` into FP. Neither half is ever 0: a 0 high half marks an empty
 * slot, and a 0 low half a slot whose claim is being written (level-table.ts).
 */
export function hashWords(words: Int32Array, o: number, n: number): void {
  let a = 0x9747b28c ^ n;
  let b = (0x165667b1 + n) | 0;
  for (let i = 0; i < n; i++) {
    const k = words[o + i] as number;
    let k1 = Math.imul(k, 0xcc9e2d51);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), 0x1b873593);
    a ^= k1;
    a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    b = (b + Math.imul(k, 0x85ebca77)) | 0;
    b = Math.imul((b << 13) | (b >>> 19), 0x9e3779b1);
  }
  const hi = fmix(a);
  const lo = fmix(b ^ 0x27d4eb2f);
  FP[0] = hi === 0 ? 1 : hi;
  FP[1] = lo === 0 ? 1 : lo;
}

/**
 * Writes a zero into every memory page of `slots` from element `from` on (which must all be zero),
 * in address order, so the system commits them now. Left to the search, the pages are committed one
 * by one as the first fingerprints land on them at random, each fault between two look-ups; measured
 * on this project's 2-vCPU virtual machine, that cost md/raid5 small_free about 0.25 s in its first
 * 14,000 states, where committing the 2^22 slots (32 MB) in order takes about 30 ms.
 */
function prefault(slots: Int32Array, from: number): void {
  // A page holds 1,024 elements: one write per 1,024 reaches every page from `from`'s on.
  for (let i = from; i < slots.length; i += 1024) slots[i] = 0;
}

/** A table guard's words (FingerprintTable.guard): the epoch, odd while the table grows, and the capacity in slots. */
export const EPOCH = 0;
export const CAPACITY = 1;

/** The largest share of slots used before the table doubles. */
const MAX_LOAD = 0.7;

/**
 * A set of 64-bit fingerprints: open addressing with linear probing.
 *
 * Its buffer may be reserved for more slots than it uses (`reserve`): the system commits a page of a
 * fresh buffer only when it is first written, so the reservation costs address space, not memory, and
 * the table then doubles in place (`double`) instead of into a new buffer, which would hold the old
 * and new tables (three times the old size) at once.
 */
export class FingerprintTable {
  size = 0;
  slots: Int32Array;
  /**
   * For threads that read the table while this one writes it (packed-range.ts): an epoch, odd while
   * the table grows (moves its fingerprints), and the capacity in slots.
   */
  guard: Int32Array | null = null;
  private mask: number;
  private limit: number;

  /**
   * `capacity` slots (a power of two); `shared` puts them in a SharedArrayBuffer, `reserve` (slots)
   * sizes its buffer, and the first growth goes to at least `firstGrowth` slots.
   */
  constructor(
    capacity = 1 << 16,
    private readonly shared = false,
    slots?: Int32Array,
    size = 0,
    reserve = capacity,
    private readonly firstGrowth = 0,
  ) {
    this.slots = slots ?? FingerprintTable.allocate(capacity, shared, reserve);
    if (!slots) prefault(this.slots, 0);
    const cap = this.slots.length >> 1;
    this.mask = cap - 1;
    this.limit = Math.floor(cap * MAX_LOAD);
    this.size = size;
  }

  /** A view of `capacity` slots at the start of a buffer for `reserve` slots (just `capacity` when the system refuses that much address space). */
  static allocate(capacity: number, shared: boolean, reserve = capacity): Int32Array {
    const make = (slots: number) => (shared ? new SharedArrayBuffer(slots * 8) : new ArrayBuffer(slots * 8));
    let buffer: ArrayBuffer | SharedArrayBuffer;
    try {
      buffer = make(Math.max(capacity, reserve));
    } catch {
      buffer = make(capacity);
    }
    return new Int32Array(buffer, 0, 2 * capacity);
  }

  get capacity(): number {
    return this.slots.length >> 1;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Empties the table (keeping its size). */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  /** Whether fingerprint i of `fps` (pairs) is there (read from the array, so the halves are never boxed). */
  hasAt(fps: Int32Array, i: number): boolean {
    return this.has(fps[2 * i] as number, fps[2 * i + 1] as number);
  }

  addAt(fps: Int32Array, i: number): boolean {
    return this.add(fps[2 * i] as number, fps[2 * i + 1] as number);
  }

  /**
   * The first slot fingerprint i of `fps` probes, read and returned only to bring it into the cache:
   * a loop of these over a batch has its cache misses overlap, where `add`'s branches after each
   * load keep them one at a time.
   */
  touchAt(fps: Int32Array, i: number): number {
    return this.touch(fps[2 * i] as number);
  }

  /** The first slot fingerprint (hi, …) probes, read as `touchAt` does. */
  touch(hi: number): number {
    return this.slots[2 * (hi & this.mask)] as number;
  }

  has(hi: number, lo: number): boolean {
    const slots = this.slots;
    let i = hi & this.mask;
    for (;;) {
      const h = slots[2 * i] as number;
      const l = slots[2 * i + 1] as number;
      if (h === hi && l === lo) return true;
      if (h === 0) return false;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds a fingerprint; true when it was not there. */
  add(hi: number, lo: number): boolean {
    const slots = this.slots;
    let i = hi & this.mask;
    for (;;) {
      const h = slots[2 * i] as number;
      const l = slots[2 * i + 1] as number;
      if (h === hi && l === lo) return false;
      if (h === 0) break;
      i = (i + 1) & this.mask;
    }
    slots[2 * i] = hi;
    slots[2 * i + 1] = lo;
    this.size += 1;
    if (this.size > this.limit) this.grow();
    return true;
  }

  /** How many more fingerprints fit before the table grows. */
  get room(): number {
    return this.limit - this.size;
  }

  /** Grows the table (now, on this thread: no other may use it meanwhile) so that `extra` more fingerprints fit without growing. */
  reserve(extra: number): void {
    const cap = this.capacityFor(extra);
    if (cap > this.capacity) this.grow(cap);
  }

  /** The capacity (slots) at which `extra` more fingerprints fit without growing. */
  capacityFor(extra: number): number {
    let cap = this.capacity;
    while (Math.floor(cap * MAX_LOAD) < this.size + extra) cap *= 2;
    return cap;
  }

  private setCapacity(slots: Int32Array): void {
    const cap = slots.length >> 1;
    this.slots = slots;
    this.mask = cap - 1;
    this.limit = Math.floor(cap * MAX_LOAD);
  }

  private grow(cap = Math.max(this.capacity * 2, this.firstGrowth)): void {
    const guard = this.guard;
    if (guard) Atomics.add(guard, EPOCH, 1);
    this.regrow(cap);
    if (guard) {
      Atomics.store(guard, CAPACITY, this.capacity);
      Atomics.add(guard, EPOCH, 1);
    }
  }

  private regrow(cap: number): void {
    const buffer = this.slots.buffer;
    if (buffer.byteLength >= cap * 8) {
      // The slots the table grows into are still zero: prefaulting them writes nothing.
      prefault(new Int32Array(buffer, 0, 2 * cap), this.slots.length);
      while (this.capacity < cap) this.double();
      return;
    }
    // Beyond the reservation: a new buffer, reserved for four times as many.
    const old = this.slots;
    const slots = FingerprintTable.allocate(cap, this.shared, 4 * cap);
    prefault(slots, 0);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      const h = old[j] as number;
      if (h === 0) continue;
      let i = h & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = old[j + 1] as number;
    }
    this.setCapacity(slots);
  }

  /**
   * Doubles the table in its own buffer. The old slots are taken in order from an empty one, each
   * fingerprint removed and added again under the new mask: it lands at or before its old slot, or
   * in the new upper half, and every slot its probe passes was taken already (so none of them is
   * emptied later and its probe stays unbroken). A fingerprint whose probe would run past the end
   * (and wrap into slots not taken yet) is added last.
   */
  private double(): void {
    const cap = this.capacity;
    const slots = new Int32Array(this.slots.buffer, 0, 4 * cap);
    const mask = 2 * cap - 1;
    let start = 0;
    while (slots[2 * start] !== 0) start++;
    const late: number[] = [];
    for (let k = 0; k < cap; k++) {
      const p = (start + k) & (cap - 1);
      const h = slots[2 * p] as number;
      if (h === 0) continue;
      const l = slots[2 * p + 1] as number;
      slots[2 * p] = 0;
      slots[2 * p + 1] = 0;
      let i = h & mask;
      while (i <= mask && slots[2 * i] !== 0) i++;
      if (i > mask) {
        late.push(h, l);
        continue;
      }
      slots[2 * i] = h;
      slots[2 * i + 1] = l;
    }
    for (let j = 0; j < late.length; j += 2) {
      let i = (late[j] as number) & mask;
      while (slots[2 * i] !== 0) i = (i + 1) & mask;
      slots[2 * i] = late[j] as number;
      slots[2 * i + 1] = late[j + 1] as number;
    }
    this.setCapacity(slots);
  }
}

/** Entries per chunk of the lists below (2^BITS). */
const BITS = 20;
const LOW = (1 << BITS) - 1;

/** Fixed-size chunks of a typed array, added as a list grows (no copying); in SharedArrayBuffers when `shared`. */
abstract class Chunked<A extends Int32Array | Uint8Array> {
  length = 0;
  readonly chunks: A[] = [];

  constructor(
    private readonly shared: boolean,
    private readonly make: (buffer: ArrayBuffer | SharedArrayBuffer) => A,
    private readonly entryBytes: number,
  ) {}

  protected chunkFor(i: number): A {
    // Compared with the length, not read past it: a read past a JavaScript array's end throws the
    // optimized code of every function it is inlined into away (a deopt at each new chunk).
    const c = i >>> BITS;
    return c < this.chunks.length ? (this.chunks[c] as A) : this.addChunk();
  }

  private addChunk(): A {
    const bytes = this.entryBytes << BITS;
    const chunk = this.make(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.chunks.push(chunk);
    return chunk;
  }

  get bytes(): number {
    return this.chunks.length * (this.entryBytes << BITS);
  }
}

/** A growing list of 32-bit integers. */
export class IntList extends Chunked<Int32Array> {
  constructor(shared = false) {
    super(shared, (b) => new Int32Array(b), 4);
  }

  push(v: number): void {
    this.chunkFor(this.length)[this.length & LOW] = v;
    this.length += 1;
  }

  get(i: number): number {
    return (this.chunks[i >>> BITS] as Int32Array)[i & LOW] as number;
  }
}

/**
 * Transition indices, a byte each: states with 255 successors or more are rare, and their indices
 * from 255 on are kept in a map beside (their byte is 255).
 */
export class ViaList extends Chunked<Uint8Array> {
  readonly large = new Map<number, number>();

  constructor(shared = false) {
    super(shared, (b) => new Uint8Array(b), 1);
  }

  push(v: number): void {
    this.chunkFor(this.length)[this.length & LOW] = v < 255 ? v : 255;
    if (v >= 255) this.large.set(this.length, v);
    this.length += 1;
  }

  get(i: number): number {
    const v = (this.chunks[i >>> BITS] as Uint8Array)[i & LOW] as number;
    return v < 255 ? v : (this.large.get(i) ?? v);
  }
}

/**
 * The fingerprints met last, direct-mapped by their low half: most duplicate successors come a few
 * states after the first one (steps that commute), and this table, small enough for the CPU's caches,
 * answers for about nine in ten of them without a cache miss in the big table. The expander keeps
 * it (packed-expand.ts): it may only hold fingerprints of successors already queued for the table
 * (which the owner then has, or in a worker has listed as candidates), so one met in it is dropped.
 */
export class RecentFingerprints {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(bits = 14) {
    this.slots = new Int32Array(2 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** Forgets every fingerprint. */
  clear(): void {
    this.slots.fill(0);
  }

  /** Whether fingerprint i of `fps` was met lately; it is remembered from now on either way. */
  metAt(fps: Int32Array, i: number): boolean {
    const hi = fps[2 * i] as number;
    const lo = fps[2 * i + 1] as number;
    const at = 2 * (lo & this.mask);
    if (this.slots[at] === hi && this.slots[at + 1] === lo) return true;
    this.slots[at] = hi;
    this.slots[at + 1] = lo;
    return false;
  }
}
