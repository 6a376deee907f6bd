/**
 * Linux md/raid5: stripe batching and the write-intent bitmap, before and after kernel commit d0852df
 * "md/raid5: close race between STRIPE_BIT_DELAY and batching" (v4.1-rc6).
 *
 * Stripe 0 is H, the first stripe of a RAID chunk: a full-stripe write already queued on handle_list,
 * its bitmap bit set and flushed. The other stripes (S, …) follow it in the same chunk and start empty.
 * Writer threads (make_request) each add one bio to one device of a stripe; raid5d flushes the bitmap;
 * a handler thread (raid5d or a raid5 worker) runs handle_stripe. Steps are cut at the kernel's lock
 * points; within a step nothing interleaves, which is what holding stripe_lock or device_lock gives.
 *
 * Readings of the kernel this model follows (see ../shared/raid5/BRIEF.md):
 * - bitmap_startwrite is one step (take counts.lock, allocate the counter page, bump the counter,
 *   set the bit in memory); it runs unlocked with respect to the stripe, so others run around it.
 * - bitmap_unplug is one step that writes every bit set in memory to disk.
 * - The bitmap daemon (which clears bits of idle chunks) and degraded arrays are not modelled: bits
 *   only ever get set, and every write succeeds.
 * - A bio that cannot be added (the stripe is batched, or the bio overlaps a queued one) makes its
 *   writer give up rather than wait and retry; the race needs no retries.
 * - stripe_can_batch is the fixed version in both variants: before the fix BITMAP_PENDING is never set,
 *   so its extra test is always true there.
 * - handle_stripe_clean_event ends the writes of one stripe of the batch per step, head first.
 *
 * Traces are told with the `@story` lines of the steps and invariants below (see the README's "Writing
 * a spec"); this one tells the initial state.
 * @story stripe 0 (H) is a full-stripe write queued on handle_list, its bit set and on disk (counter
 * {counter[0]}); the stripes after it are empty (stripe 1's counter: {counter[chunkOf(1)]})
 */
import {
  bool,
  constant,
  count,
  either,
  enumOf,
  exists,
  filter,
  forall,
  goto,
  helper,
  implies,
  mapOf,
  mapping,
  optional,
  range,
  spec,
  type StateOf,
  type ValueOf,
  choose,
  when,
} from "../dsl/index.ts";

// ---------------------------------------------------------------------------------------------
// Configuration

/** Number of stripes in the RAID chunk: stripe 0 is H, stripe 1 is S, … */
const NStripes = constant(range(2, 4));
/** Data disks per stripe (the array has one more, for parity). */
const NData = constant(range(1, 4));
/** Writer threads (make_request callers), each adding one bio. */
const NWriters = constant(range(1, 5));
/** Whether every stripe uses H's bitmap counter (a bitmap chunk as large as the RAID chunk). */
const SharedCounter = constant(bool);
/** Whether the counter page of the other stripes' counters is allocated before the run. */
const CounterPageAllocated = constant(bool);
/**
 * Whether each writer's bio is fixed (the brief's setup: S's last data disk written in two halves by
 * the last two writers, every other data disk of S written whole by one writer) rather than chosen
 * freely (any stripe after H, any disk, any part of the page).
 */
const FixedBios = constant(bool);

const Stripes = range(0, NStripes - 1);
/** The stripes writers add bios to: every stripe after H. */
const Targets = range(1, NStripes - 1);
const DataDisks = range(0, NData - 1);
/** Bitmap counters: one per stripe (only counter 0 is used when SharedCounter). */
const Chunks = range(0, NStripes - 1);
const Writers = range(1, NWriters);
/** raid5d's identity. */
const Raid5d = range(0, 0);
/** The thread that runs handle_stripe (raid5d itself, or a raid5 worker thread). */
const Handler = range(NWriters + 1, NWriters + 1);
/** Which part of a 4 KiB device page a bio covers. */
const Parts = enumOf("full", "lo", "hi");
/** What a device's towrite chain covers. */
const Coverage = enumOf("none", "lo", "hi", "full");
/** Which list a stripe with count 0 sits on ("none": inactive, or held by someone). */
const Queue = enumOf("none", "handle", "bitmap");

/** 16-bit bitmap counter: bits 0–13 count, bit 14 RESYNC, bit 15 NEEDED. */
const COUNTER_MAX = 16383;
const SeqMax = 12;
const RefMax = 8;

const state = {
  // struct stripe_head, per stripe
  /**
   * STRIPE_BATCH_READY (set by init_stripe)
   * @idle true
   */
  batchReady: mapOf(Stripes, bool),
  /** STRIPE_BIT_DELAY */
  bitDelay: mapOf(Stripes, bool),
  /** STRIPE_BITMAP_PENDING (added by d0852df) */
  bitmapPending: mapOf(Stripes, bool),
  /** STRIPE_HANDLE */
  handle: mapOf(Stripes, bool),
  /** sh->bm_seq */
  bmSeq: mapOf(Stripes, range(0, SeqMax)),
  /** sh->batch_head: null (lone), itself (a head), or the head (a member) */
  batchHead: mapOf(Stripes, optional(Stripes)),
  /** sh->count */
  count: mapOf(Stripes, range(0, RefMax)),
  /** The list the stripe is on */
  queue: mapOf(Stripes, Queue),
  /** dev[d].towrite: what the queued, not yet drained bios cover */
  towrite: mapOf(Stripes, mapOf(DataDisks, Coverage)),
  /** dev[d].written: drained into the stripe cache and being written to disk */
  written: mapOf(Stripes, mapOf(DataDisks, bool)),
  /** R5_OVERWRITE per device */
  overwrite: mapOf(Stripes, mapOf(DataDisks, bool)),
  /** sh->overwrite_disks */
  overwriteDisks: mapOf(Stripes, range(0, NData)),
  /** The writes of this stripe (and its batch, for a head) were issued and have not been cleaned up */
  inIO: mapOf(Stripes, bool),

  // struct r5conf
  /** conf->seq_flush */
  seqFlush: range(0, SeqMax),
  /** conf->seq_write */
  seqWrite: range(0, SeqMax),

  // the write-intent bitmap
  /** The 16-bit counter of each chunk, kernel encoding, no clamping at zero */
  counter: mapOf(Chunks, range(0, 65535)),
  /** Whether the chunk's counter page is allocated (bitmap_endwrite ignores chunks without one) */
  pageAllocated: mapOf(Chunks, bool),
  /** The chunk's bit in memory */
  bitMem: mapOf(Chunks, bool),
  /** The chunk's bit on disk */
  bitDisk: mapOf(Chunks, bool),

  // ghosts for the properties
  /** bitmap_startwrite calls completed, per chunk */
  starts: mapOf(Chunks, range(0, 16)),
  /** bitmap_endwrite calls made, per chunk */
  ends: mapOf(Chunks, range(0, 16)),
  /** The flush (seq_flush+1) whose completion puts the bit a startwrite for this stripe newly set on disk; 0: none */
  dirtiedIn: mapOf(Stripes, range(0, SeqMax)),
};
type S = StateOf<typeof state>;
type Cover = ValueOf<typeof Coverage>;
type Part = ValueOf<typeof Parts>;

// ---------------------------------------------------------------------------------------------
// Kernel predicates and helpers

/** The bitmap counter a stripe uses (all devices of a stripe share it). */
const chunkOf = helper((s: S, sh: number) => (SharedCounter ? 0 : sh));

/** is_full_stripe_write() */
const isFullStripeWrite = helper((s: S, sh: number) => s.overwriteDisks[sh] === NData);

/** stripe_can_batch(), as fixed by d0852df */
const stripeCanBatch = helper((s: S, sh: number) => s.batchReady[sh] && !s.bitmapPending[sh] && isFullStripeWrite(s, sh));

/** A stripe in some other stripe's batch. */
const isMember = helper((s: S, sh: number) => s.batchHead[sh] !== null && s.batchHead[sh] !== sh);

/** The stripe whose handling writes sh: its batch head, or itself. */
const headOf = helper((s: S, sh: number) => (isMember(s, sh) ? s.batchHead[sh]! : sh));

/** sh is h itself or a member of h's batch. */
const inBatch = helper((s: S, sh: number, h: number) => sh === h || s.batchHead[sh] === h);

/** Some device of sh has data being written. */
const isWriting = helper((s: S, sh: number) => exists(DataDisks, (d) => s.written[sh][d]));

/** Some device of sh has bios queued (towrite) that are not yet drained. */
const hasQueuedData = helper((s: S, sh: number) => exists(DataDisks, (d) => s.towrite[sh][d] !== "none"));

/** The towrite coverage after adding a bio covering `part`. */
const covered = helper((s: S, now: Cover, part: Part): Cover => (now === "none" ? part : now === part ? now : "full"));

/** The bio overlaps a queued one (add_stripe_bio's overlap test). */
const overlaps = helper((s: S, now: Cover, part: Part) => now !== "none" && (now === "full" || part === "full" || now === part));

/** Where do_release_stripe() puts a stripe with STRIPE_HANDLE whose count dropped to 0. */
const releasedTo = helper((s: S, sh: number): ValueOf<typeof Queue> => (s.bitDelay[sh] && s.bmSeq[sh] > s.seqWrite ? "bitmap" : "handle"));

/** A 16-bit decrement by n, as n bitmap_endwrite calls do it: 0 becomes 0xFFFF. */
const counterMinus = helper((s: S, c: number, n: number) => (c - n + 65536) % 65536);

/** With FixedBios: the data disk writer w writes. */
const fixedDev = helper((s: S, w: number) => (w <= NData ? w - 1 : NData - 1));

/** With FixedBios: the part of the page writer w writes (the last disk in halves). */
const fixedPart = helper((s: S, w: number): Part => (w < NData ? "full" : w === NData ? "lo" : "hi"));

/** The counter after bitmap_startwrite: 0 → bit set, 2; 1 → 2; then +1. */
const counterPlusOne = helper((s: S, c: number) => (c === 0 || c === 1 ? 3 : c + 1));

export default spec("Raid5", {
  base: "pre-d0852df",
  state,
  init: {
    batchReady: mapping(Stripes, () => true),
    bitDelay: mapping(Stripes, () => false),
    bitmapPending: mapping(Stripes, () => false),
    handle: mapping(Stripes, (sh) => sh === 0),
    bmSeq: mapping(Stripes, () => 0),
    batchHead: mapping(Stripes, () => null),
    count: mapping(Stripes, () => 0),
    queue: mapping(Stripes, (sh) => (sh === 0 ? "handle" : "none")),
    towrite: mapping(Stripes, (sh) => mapping(DataDisks, () => (sh === 0 ? "full" : "none"))),
    written: mapping(Stripes, () => mapping(DataDisks, () => false)),
    overwrite: mapping(Stripes, (sh) => mapping(DataDisks, () => sh === 0)),
    overwriteDisks: mapping(Stripes, (sh) => (sh === 0 ? NData : 0)),
    inIO: mapping(Stripes, () => false),
    seqFlush: 0,
    seqWrite: 0,
    counter: mapping(Chunks, (c) => (c === 0 ? 2 + NData : 0)),
    pageAllocated: mapping(Chunks, (c) => c === 0 || CounterPageAllocated),
    bitMem: mapping(Chunks, (c) => c === 0),
    bitDisk: mapping(Chunks, (c) => c === 0),
    starts: mapping(Chunks, (c) => (c === 0 ? NData : 0)),
    ends: mapping(Chunks, () => 0),
    dirtiedIn: mapping(Stripes, () => 0),
  },
})
  .process("writer", Writers, {
    doc: "A thread in make_request() writing one bio to one device of a stripe.",
    locals: { wsh: Stripes, wdev: DataDisks, wpart: Parts, firstwrite: bool, added: bool },
    init: { wsh: 1, wdev: 0, wpart: "full", firstwrite: false, added: false },
    steps: {
      /**
       * Pick the bio (stripe, device, part of the page) and take a reference on the stripe.
       * @story if wpart == "full": takes a reference on stripe {wsh} to write all of d{wdev}
       * @story takes a reference on stripe {wsh} to write the {wpart} half of d{wdev}
       */
      get_active_stripe: {
        models: "make_request / get_active_stripe",
        body(s, self) {
        const sh = choose(Targets);
        if (FixedBios) {
          when(sh === 1);
          s.wdev = fixedDev(s, self);
          s.wpart = fixedPart(s, self);
        } else {
          const dev = choose(DataDisks);
          const part = choose(Parts);
          s.wdev = dev;
          s.wpart = part;
        }
        s.wsh = sh;
        s.count[sh] += 1;
        // A stripe taken while on a list leaves it (list_del_init).
        s.queue[sh] = "none";
        },
      },
      /**
       * Under stripe_lock: refuse batched stripes and overlaps, link the bio, count overwrites.
       * @story if !added: gives up: stripe {wsh} is batched, or the bio overlaps a queued one
       * @story if firstwrite: queues d{wdev} on stripe {wsh}, a first write (overwrite_disks = {overwriteDisks[wsh]}),
       * and drops stripe_lock with no mark that bitmap_startwrite is still to come
       * @story queues a second bio on d{wdev} of stripe {wsh}: no bitmap work (overwrite_disks = {overwriteDisks[wsh]})
       */
      add_stripe_bio: {
        models: "add_stripe_bio",
        body(s) {
        const now = s.towrite[s.wsh][s.wdev];
        if (s.batchHead[s.wsh] !== null || overlaps(s, now, s.wpart)) {
          s.added = false;
          goto("release_stripe_plug");
        } else {
          s.added = true;
          s.firstwrite = now === "none";
          s.towrite[s.wsh][s.wdev] = covered(s, now, s.wpart);
          if (covered(s, now, s.wpart) === "full" && !s.overwrite[s.wsh][s.wdev]) {
            s.overwrite[s.wsh][s.wdev] = true;
            s.overwriteDisks[s.wsh] += 1;
          }
          if (now !== "none") goto("stripe_add_to_batch_list");
        }
        },
      },
      /**
       * bitmap_startwrite(sh->sector): bump the chunk's counter, set its bit in memory if it was 0.
       * @story if old(counter[chunkOf(wsh)]) == 0: for stripe {wsh}: sets chunk {chunkOf(wsh)}'s bit in memory (on disk only
       * after the next bitmap_unplug)
       * @story for stripe {wsh}: one more write pending on chunk {chunkOf(wsh)}
       */
      bitmap_startwrite: {
        models: "bitmap_startwrite",
        body(s) {
        const c = chunkOf(s, s.wsh);
        // COUNTER_MAX: sleep on overflow_wait until an endwrite wakes us.
        when(s.counter[c] % 16384 !== COUNTER_MAX);
        // A counter at 0 means the bit is clear: set it in memory (the page becomes DIRTY).
        if (s.counter[c] === 0) s.dirtiedIn[s.wsh] = s.seqFlush + 1;
        s.counter[c] = counterPlusOne(s, s.counter[c]);
        s.pageAllocated[c] = true;
        s.bitMem[c] = true;
        s.starts[c] += 1;
        },
      },
      /**
       * Before d0852df: unlocked, unconditional, even if the stripe has joined a batch meanwhile.
       * @story if isMember(wsh): sets BIT_DELAY on stripe {wsh}, already a member of stripe {batchHead[wsh]}'s batch:
       * nothing reads it there
       * @story sets BIT_DELAY on stripe {wsh} with bm_seq = {bmSeq[wsh]}, without stripe_lock
       */
      set_bit_delay: {
        models: "add_stripe_bio (after bitmap_startwrite)",
        body(s) {
        s.bmSeq[s.wsh] = s.seqFlush + 1;
        s.bitDelay[s.wsh] = true;
        },
      },
      /**
       * If the stripe can batch, join the batch of the stripe just before it (back search).
       * @story if old(batchHead[wsh]) == none && batchHead[wsh] != none && old(bitDelay[wsh]): stripe {wsh} joins stripe
       * {batchHead[wsh]}'s batch and passes its BIT_DELAY to the head (bm_seq = {bmSeq[batchHead[wsh]]})
       * @story if old(batchHead[wsh]) == none && batchHead[wsh] != none: stripe_can_batch holds (BATCH_READY, full,
       * nothing says a bitmap update is in flight): stripe {wsh} joins stripe {batchHead[wsh]}'s batch, with no BIT_DELAY
       * to pass on
       * @story stripe {wsh} does not join a batch (stripe_can_batch is false for it or for the stripe before it)
       */
      stripe_add_to_batch_list: {
        models: "stripe_add_to_batch_list",
        body(s) {
        const sh = s.wsh;
        const prev = sh - 1;
        // The head of the batch sh joins: prev, or prev's own head when prev is itself a member.
        const head = headOf(s, prev);
        const delayed = s.bitDelay[sh];
        // Merge the member's bitmap delay into the head (2b6b2457): the later bm_seq wins.
        const seq = s.bitDelay[head] && s.bmSeq[head] > s.bmSeq[sh] ? s.bmSeq[head] : s.bmSeq[sh];
        if (stripeCanBatch(s, sh) && stripeCanBatch(s, prev) && s.batchHead[sh] === null) {
          s.batchHead[sh] = head;
          s.batchHead[head] = head;
          s.bitDelay = mapping(Stripes, (x) => (x === sh ? false : x === head ? s.bitDelay[x] || delayed : s.bitDelay[x]));
          if (delayed) s.bmSeq[head] = seq;
          // The batch holds a reference on the member.
          s.count[sh] += 1;
          // release_stripe(prev): a head with count 0 goes back through do_release_stripe().
          if (prev === head && s.count[head] === 0 && s.handle[head]) s.queue[head] = releasedTo(s, head);
        }
        },
      },
      /**
       * make_request sets STRIPE_HANDLE and drops its reference (release_stripe_plug).
       * @story if count[wsh] == 0 && queue[wsh] != "none": drops the last reference on stripe {wsh}, which goes to
       * {queue[wsh]}_list
       * @story drops its reference on stripe {wsh} (count {count[wsh]})
       */
      release_stripe_plug: {
        models: "make_request / release_stripe_plug",
        body(s) {
        const sh = s.wsh;
        s.handle[sh] = s.handle[sh] || s.added;
        s.count[sh] -= 1;
        if (s.count[sh] === 0 && s.handle[sh]) {
          // do_release_stripe(): delayed stripes wait on bitmap_list for the flush.
          s.queue[sh] = s.bitDelay[sh] && s.bmSeq[sh] > s.seqWrite ? "bitmap" : "handle";
          s.bitDelay[sh] = s.bitDelay[sh] && s.bmSeq[sh] > s.seqWrite;
        }
        },
      },
    },
  })
  .process("raid5d", Raid5d, {
    doc: "raid5d's bitmap flush: close a batch of bitmap updates, write them, release the delayed stripes.",
    steps: {
      /**
       * Something waits on bitmap_list: close the current batch of bitmap updates.
       * @story stripes wait on bitmap_list: closes bitmap update batch {seqFlush}
       */
      raid5d_loop: {
        models: "raid5d (seq_flush++)",
        body(s) {
        when(exists(Stripes, (sh) => s.queue[sh] === "bitmap"));
        s.seqFlush += 1;
        },
      },
      /**
       * Write every bit set in memory to disk and wait for it (device_lock dropped meanwhile).
       * @story writes the bitmap: every bit set in memory is now on disk
       */
      bitmap_unplug: {
        models: "bitmap_unplug",
        body(s) {
        s.bitDisk = mapping(Chunks, (c) => s.bitDisk[c] || s.bitMem[c]);
        },
      },
      /**
       * seq_write = seq_flush; stripes whose bm_seq is now on disk move to handle_list.
       * @story seq_write = {seqWrite}: stripes whose bm_seq is on disk leave bitmap_list for handle_list
       */
      activate_bit_delay: {
        models: "raid5d / activate_bit_delay",
        body(s) {
        s.seqWrite = s.seqFlush;
        s.bitDelay = mapping(Stripes, (sh) => s.bitDelay[sh] && !(s.queue[sh] === "bitmap" && s.bmSeq[sh] <= s.seqFlush));
        s.queue = mapping(Stripes, (sh) => (s.queue[sh] === "bitmap" && s.bmSeq[sh] <= s.seqFlush ? "handle" : s.queue[sh]));
        goto("raid5d_loop");
        },
      },
    },
  })
  .process("handler", Handler, {
    doc: "The thread running handle_stripe() on stripes taken from handle_list.",
    locals: { cur: Stripes },
    init: { cur: 0 },
    steps: {
      /**
       * Take a stripe off handle_list and handle it, or clean up a stripe whose writes completed.
       * @story if old(bitDelay[sh]) && queue[sh] == "bitmap": takes stripe {sh}: BIT_DELAY with bm_seq {bmSeq[sh]} >
       * seq_write {seqWrite}, so nothing is written: back to bitmap_list
       * @story if old(bitDelay[sh]): takes stripe {sh}: its BIT_DELAY is already flushed (bm_seq {bmSeq[sh]} <= seq_write
       * {seqWrite}): cleared, and the stripe is requeued
       * @story takes stripe {sh}: clear_batch_ready, then schedule_reconstruction writes it and every stripe of its batch,
       * whatever their own counts or BIT_DELAY say
       * @story the writes of stripe {h} completed: handles it again
       */
      handle_stripe: {
        models: "handle_stripe",
        body(s) {
        either(
          () => {
            const sh = choose(filter(Stripes, (x) => s.queue[x] === "handle"));
            // clear_batch_ready(): no stripe joins this batch from now on.
            s.batchReady = mapping(Stripes, (m) => s.batchReady[m] && !inBatch(s, m, sh));
            if (s.bitDelay[sh]) {
              // handle_stripe_dirtying: no schedule_reconstruction while the head's BIT_DELAY is set;
              // STRIPE_HANDLE stays and do_release_stripe() requeues it.
              s.queue[sh] = releasedTo(s, sh);
              s.bitDelay[sh] = s.bmSeq[sh] > s.seqWrite;
            } else {
              // schedule_reconstruction + ops_run_biodrain + ops_run_io over the head and every member,
              // whatever the members' own counts, BIT_DELAY or bm_seq say.
              s.queue[sh] = "none";
              s.handle[sh] = false;
              s.written = mapping(Stripes, (m) => (inBatch(s, m, sh) ? mapping(DataDisks, (d) => s.written[m][d] || s.towrite[m][d] !== "none") : s.written[m]));
              s.towrite = mapping(Stripes, (m) => (inBatch(s, m, sh) ? mapping(DataDisks, () => "none") : s.towrite[m]));
              s.overwrite = mapping(Stripes, (m) => (inBatch(s, m, sh) ? mapping(DataDisks, () => false) : s.overwrite[m]));
              s.overwriteDisks = mapping(Stripes, (m) => (inBatch(s, m, sh) ? 0 : s.overwriteDisks[m]));
              s.inIO[sh] = exists(Stripes, (m) => inBatch(s, m, sh) && isWriting(s, m));
            }
            goto("handle_stripe");
          },
          () => {
            // The writes issued for a head (or lone stripe) completed: handle it again.
            const h = choose(filter(Stripes, (x) => s.inIO[x]));
            s.cur = h;
            if (exists(Stripes, (m) => inBatch(s, m, h) && isWriting(s, m))) goto("handle_stripe_clean_event");
            else goto("break_stripe_batch_list");
          },
        );
        },
      },
      /**
       * bitmap_endwrite for the written devices of the next stripe of the batch (head first).
       * @story if !pageAllocated[chunkOf(m)]: stripe {m}'s writes are done: bitmap_endwrite on chunk {chunkOf(m)} is
       * ignored (no counter page)
       * @story if counter[chunkOf(m)] >= 32768: stripe {m}'s writes are done: {ends[chunkOf(m)] - old(ends[chunkOf(m)])}
       * bitmap_endwrite on chunk {chunkOf(m)} take its counter from {old(counter[chunkOf(m)])} to {hex(counter[chunkOf(m)])}:
       * below zero, wrapped
       * @story stripe {m}'s writes are done: {ends[chunkOf(m)] - old(ends[chunkOf(m)])} bitmap_endwrite on chunk
       * {chunkOf(m)}, counter {old(counter[chunkOf(m)])} → {counter[chunkOf(m)]}
       */
      handle_stripe_clean_event: {
        models: "handle_stripe_clean_event / bitmap_endwrite",
        body(s) {
        const m = choose(filter(Stripes, (x) => inBatch(s, x, s.cur) && isWriting(s, x) && forall(Stripes, (y) => implies(inBatch(s, y, s.cur) && isWriting(s, y), y >= x))));
        const c = chunkOf(s, m);
        const n = count(DataDisks, (d) => s.written[m][d]);
        if (s.pageAllocated[c]) s.counter[c] = counterMinus(s, s.counter[c], n);
        s.ends[c] += n;
        s.written[m] = mapping(DataDisks, () => false);
        if (exists(Stripes, (y) => y !== m && inBatch(s, y, s.cur) && isWriting(s, y))) goto("handle_stripe_clean_event");
        },
      },
      /**
       * Split the batch: members become lone stripes (their BIT_DELAY silently cleared), refs dropped.
       * @story splits stripe {cur}'s batch: the members become lone stripes, their BIT_DELAY cleared, the batch's
       * references dropped
       */
      break_stripe_batch_list: {
        models: "break_stripe_batch_list",
        body(s) {
        const h = s.cur;
        s.bitDelay = mapping(Stripes, (m) => (m !== h && s.batchHead[m] === h ? false : s.bitDelay[m]));
        s.count = mapping(Stripes, (m) => (m !== h && s.batchHead[m] === h ? s.count[m] - 1 : s.count[m]));
        s.batchHead = mapping(Stripes, (m) => (inBatch(s, m, h) ? null : s.batchHead[m]));
        s.inIO[h] = false;
        goto("handle_stripe");
        },
      },
    },
  })
  .variant("d0852df", "writer", {
    doc: "With d0852df: BITMAP_PENDING set under stripe_lock while bitmap_startwrite is in flight; BIT_DELAY only set on a stripe that is not batched.",
    steps: {
      /**
       * Under stripe_lock: as before, and a first write sets BITMAP_PENDING before the lock is dropped.
       * @story if !added: gives up: stripe {wsh} is batched, or the bio overlaps a queued one
       * @story if firstwrite: queues d{wdev} on stripe {wsh}, a first write (overwrite_disks = {overwriteDisks[wsh]}),
       * and sets BITMAP_PENDING before dropping stripe_lock for bitmap_startwrite
       * @story queues a second bio on d{wdev} of stripe {wsh}: no bitmap work (overwrite_disks = {overwriteDisks[wsh]})
       */
      add_stripe_bio: {
        models: "add_stripe_bio",
        body(s) {
        const now = s.towrite[s.wsh][s.wdev];
        if (s.batchHead[s.wsh] !== null || overlaps(s, now, s.wpart)) {
          s.added = false;
          goto("release_stripe_plug");
        } else {
          s.added = true;
          s.firstwrite = now === "none";
          s.towrite[s.wsh][s.wdev] = covered(s, now, s.wpart);
          if (covered(s, now, s.wpart) === "full" && !s.overwrite[s.wsh][s.wdev]) {
            s.overwrite[s.wsh][s.wdev] = true;
            s.overwriteDisks[s.wsh] += 1;
          }
          // Still holding stripe_lock: no batching until bitmap_startwrite has completed.
          if (now === "none") s.bitmapPending[s.wsh] = true;
          else goto("stripe_add_to_batch_list");
        }
        },
      },
      /**
       * With d0852df: under stripe_lock, clear BITMAP_PENDING; set BIT_DELAY only on a stripe that is not batched.
       * @story if batchHead[wsh] != none: clears BITMAP_PENDING; stripe {wsh} is batched, so BIT_DELAY is left alone
       * @story under stripe_lock, clears BITMAP_PENDING and sets BIT_DELAY on stripe {wsh} with bm_seq = {bmSeq[wsh]}
       */
      set_bit_delay: {
        models: "add_stripe_bio (after bitmap_startwrite)",
        body(s) {
        // spin_lock_irq(&sh->stripe_lock): the first finisher clears the single PENDING bit.
        s.bitmapPending[s.wsh] = false;
        if (s.batchHead[s.wsh] === null) {
          s.bmSeq[s.wsh] = s.seqFlush + 1;
          s.bitDelay[s.wsh] = true;
        }
        },
      },
    },
  })
  /**
   * (1) Write-intent coverage: data is written only while the stripe's bit is set on disk.
   * @story stripe {sh}'s data is being written while chunk {chunkOf(sh)}'s bit is clear on disk
   */
  .invariant("WriteIntentCoverage", (s) => forall(Stripes, (sh) => implies(isWriting(s, sh), s.bitDisk[chunkOf(s, sh)])))
  /**
   * (2) No bitmap_endwrite before its bitmap_startwrite: per chunk, ends never exceed starts.
   * @story chunk {c} has had {ends[c]} bitmap_endwrite calls but only {starts[c]} bitmap_startwrite
   */
  .invariant("EndAfterStart", (s) => forall(Chunks, (c) => s.ends[c] <= s.starts[c]))
  /**
   * (2) The counter never wraps: no NEEDED/RESYNC bits from an underflow, COUNT never at COUNTER_MAX.
   * @story if counter[c] >= 32768: counter {c} is {hex(counter[c])}: it went below zero and wrapped, NEEDED and RESYNC set
   * @story counter {c} is {counter[c]}: at COUNTER_MAX
   */
  .invariant("CounterInRange", (s) => forall(Chunks, (c) => s.counter[c] < COUNTER_MAX))
  /**
   * (3) Counter balance: a set bit's counter is 2 + the writes started and not ended (no leak).
   * @story counter {c} is {counter[c]}, but 2 + {starts[c]} started - {ends[c]} ended writes make {2 + starts[c] - ends[c]}
   */
  .invariant("CounterBalance", (s) => forall(Chunks, (c) => implies(s.pageAllocated[c] && s.counter[c] !== 0, s.counter[c] === 2 + s.starts[c] - s.ends[c])))
  /**
   * (4) No BIT_DELAY or BITMAP_PENDING on a batch member (the break_stripe_batch_list WARN list).
   * @story if bitDelay[m]: stripe {m}, a member of stripe {batchHead[m]}'s batch, has BIT_DELAY set: the WARN in
   * break_stripe_batch_list fires
   * @story stripe {m}, a member of stripe {batchHead[m]}'s batch, has BITMAP_PENDING set
   */
  .invariant("MemberFlags", (s) => forall(Stripes, (m) => implies(isMember(s, m), !s.bitDelay[m] && !s.bitmapPending[m])))
  /**
   * (6) Until a newly dirtied bit is on disk, its stripe's data is not written, and while that data is
   * still queued in a batch the head's BIT_DELAY/bm_seq covers the bit.
   * @story if isWriting(m): stripe {m}'s data is being written before its bit, dirtied for flush {dirtiedIn[m]}, is on
   * disk (seq_write = {seqWrite})
   * @story stripe {m}'s queued data is in stripe {headOf(m)}'s batch, whose BIT_DELAY/bm_seq does not wait for flush
   * {dirtiedIn[m]}
   */
  .invariant("DelayRecorded", (s) =>
    forall(Stripes, (m) =>
      implies(
        s.dirtiedIn[m] > s.seqWrite,
        !isWriting(s, m) &&
          implies(isMember(s, m) && hasQueuedData(s, m), s.bitDelay[headOf(s, m)] && s.bmSeq[headOf(s, m)] >= s.dirtiedIn[m]),
      ),
    ),
  )
  /**
   * (7) Batches are consistent: a member's head is an earlier stripe that heads itself; the batch holds a reference.
   * @story stripe {m} is in stripe {headOf(m)}'s batch, but that head's batch_head is {batchHead[headOf(m)]} and the
   * member's count {count[m]}
   */
  .invariant("BatchConsistent", (s) =>
    forall(Stripes, (m) => implies(isMember(s, m), s.batchHead[headOf(s, m)] === headOf(s, m) && headOf(s, m) < m && s.count[m] >= 1)),
  )
  /**
   * (8) seq_write never passes seq_flush, and a stripe waits on bitmap_list only with a delay to wait for.
   * (A head can sit on handle_list with a BIT_DELAY merged in through a member; handle_stripe re-checks
   * the head's BIT_DELAY before writing, which WriteIntentCoverage checks.)
   * @story if seqWrite > seqFlush: seq_write {seqWrite} passed seq_flush {seqFlush}
   * @story stripe {sh} waits on bitmap_list without BIT_DELAY
   */
  .invariant("SeqOrder", (s) => s.seqWrite <= s.seqFlush && forall(Stripes, (sh) => implies(s.queue[sh] === "bitmap", s.bitDelay[sh])))
  /**
   * Reachability goal: a stripe is a batch member while a writer's bitmap_startwrite is still to come,
   * the situation the race needs. Reached before d0852df, and with it too: BITMAP_PENDING is one bit,
   * cleared by the first writer whose bitmap_startwrite completes, so a second writer's can still be
   * pending when the stripe joins a batch (harmless where the first already set the same chunk's bit).
   */
  .reachable("BatchedBeforeStartwrite", (s) => exists(Writers, (w) => s.pc[w] === "bitmap_startwrite") && exists(Stripes, (m) => isMember(s, m)))
  .config("small", {
    doc: "The brief's minimal setup: H queued, S written by three writers over two data disks, separate counters.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: true },
  })
  .config("small_shared", {
    doc: "As small, but S shares H's bitmap counter (bitmap chunk as large as the RAID chunk).",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: true, CounterPageAllocated: true, FixedBios: true },
  })
  .config("small_unallocated", {
    doc: "As small, with S's counter page not allocated: bitmap_endwrite on it is silently ignored.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: false, FixedBios: true },
  })
  .config("two_disk", {
    doc: "A 2-disk RAID5 (one data disk): two writers each covering half of the page.",
    constants: { NStripes: 2, NData: 1, NWriters: 2, SharedCounter: false, CounterPageAllocated: true, FixedBios: true },
  })
  .config("small_free", {
    doc: "As small, but every writer chooses its bio freely: any disk, any part of the page.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false },
  })
  .config("wide", {
    doc: "Four data disks and five writers (d0–d2 whole, d3 in halves): enough first writers for the counter to underflow.",
    constants: { NStripes: 2, NData: 4, NWriters: 5, SharedCounter: false, CounterPageAllocated: true, FixedBios: true },
  })
  .config("three_stripes", {
    doc: "H and two following stripes of a 2-disk RAID5, three writers choosing any stripe and part: chains of batches.",
    constants: { NStripes: 3, NData: 1, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false },
  });
