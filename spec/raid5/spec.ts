/**
 * Linux md/raid5: stripe batching and the write-intent bitmap, before and after kernel commit d0852df
 * "md/raid5: close race between STRIPE_BIT_DELAY and batching" (v4.1-rc6). Variants, in history order:
 * pre-b15a9dbd (a batch member can be handled on its own), pre-d0852df (the base), d0852df, and
 * cd5fc653 (2025: bitmap start/end per bio in the md layer, no BITMAP_PENDING).
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
 * - bitmap_unplug is one step that writes the whole bitmap (every bit set or cleared in memory) to disk.
 * - The bitmap daemon (`Daemon`) is one pass over every counter per step (the kernel takes counts.lock
 *   per counter page): counters at 2 step down to 1, counters at 1 go to 0 and clear the bit in memory;
 *   a second step writes cleared bits to disk (the daemon never writes newly set, DIRTY bits). Counters
 *   are compared whole, as the kernel does, so one with NEEDED (or RESYNC) set is never cleared. Resync
 *   itself (which clears NEEDED) is not modelled.
 * - A degraded array (`Degraded`) only changes bitmap_endwrite: success=0, so it sets NEEDED. The missing
 *   disk, reads and reconstruction are not modelled; with `Degraded` off every write succeeds.
 * - A bio that cannot be added (the stripe is batched, or the bio overlaps a queued one) makes its
 *   writer give up, or with `Retry` wait on wait_for_overlap until the stripe is no longer batched and
 *   the overlap is gone, then take the stripe again and retry (make_request's `goto retry`). The wake-up
 *   is modelled as the condition becoming true: a retry that would fail again just keeps waiting.
 * - raid5d takes stripes off handle_list and handles them in one step, unless `HandleBatch`: then, as
 *   handle_active_stripes does, it takes stripes off the list (holding a reference on each) in one step
 *   and handles them later, so writers and other handling run in between. That is how a stripe can join
 *   a batch while raid5d holds it and then reach handle_stripe as a member (b15a9dbd). The write
 *   completion path of a member (raid5_end_write_request: STRIPE_HANDLE, then release) cannot get it
 *   there: the batch's reference keeps its count above 0 until break_stripe_batch_list, after which it is
 *   a lone stripe; so it is not modelled as a step of its own (bios complete with handle_stripe_clean_event).
 * - cd5fc653 (2025) calls bitmap_startwrite in the md layer before make_request sees the bio, and
 *   bitmap_endwrite when the bio completes (after handle_stripe_clean_event has returned it): the writer
 *   thread stands for its bio and ends it once its device's data is written and cleaned up (a later bio
 *   on the same device makes it wait longer, never shorter).
 * - stripe_can_batch is the fixed version in both variants: before the fix BITMAP_PENDING is never set,
 *   so its extra test is always true there.
 * - handle_stripe_clean_event ends the writes of one stripe of the batch per step, head first.
 * - Not modelled at all: reads, resync/reshape, BATCH_ERR and I/O errors, PREREAD_ACTIVE/DELAYED and
 *   plugging, the released_stripes list, counter-page allocation sleeping (a page is allocated or not
 *   per configuration), crashes (the harm of a coverage violation is argued, not simulated), more than
 *   one RAID chunk, more stripes, disks or writers than the configurations below.
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
  macro,
  leadsTo,
  eventually,
  mapOf,
  mapping,
  optional,
  range,
  spec,
  type StateOf,
  type StepState,
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
/** Whether the bitmap daemon runs (bitmap_daemon_work: idle counters step down, bits of clean chunks clear). */
const Daemon = constant(bool);
/** Whether the array is degraded: every bitmap_endwrite says success=0 and sets NEEDED on its counter. */
const Degraded = constant(bool);
/** Whether a writer whose bio cannot be added waits (wait_for_overlap) and retries instead of giving up. */
const Retry = constant(bool);
/** Whether raid5d takes stripes off handle_list before handling them (handle_active_stripes), not in the same step. */
const HandleBatch = constant(bool);

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
/** The bitmap daemon's identity (its steps are enabled only with Daemon). */
const BitmapDaemon = range(NWriters + 2, NWriters + 2);
/** Which part of a 4 KiB device page a bio covers. */
const Parts = enumOf("full", "lo", "hi");
/** What a device's towrite chain covers. */
const Coverage = enumOf("none", "lo", "hi", "full");
/** Which list a stripe with count 0 sits on ("none": inactive, or held by someone). */
const Queue = enumOf("none", "handle", "bitmap");

/** 16-bit bitmap counter: bits 0–13 count, bit 14 RESYNC, bit 15 NEEDED. */
const COUNTER_MAX = 16383;
/** The NEEDED bit of a counter. */
const NEEDED = 32768;
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
  /**
   * raid5d took the stripe off handle_list (holding a reference) and has not handled it yet (HandleBatch)
   * @idle false
   */
  taken: mapOf(Stripes, bool),

  // ghosts for the properties
  /** bitmap_startwrite calls completed, per chunk */
  starts: mapOf(Chunks, range(0, 16)),
  /** bitmap_endwrite calls made, per chunk */
  ends: mapOf(Chunks, range(0, 16)),
  /** The flush (seq_flush+1) whose completion puts the bit a startwrite for this stripe newly set on disk; 0: none */
  dirtiedIn: mapOf(Stripes, range(0, SeqMax)),
  /**
   * A bitmap_endwrite with success=0 set the chunk's NEEDED bit: it must stay dirty until a resync
   * @idle false
   */
  needed: mapOf(Chunks, bool),
};
type S = StateOf<typeof state>;

/** A writer's bio (make_request's locals): its stripe, device and part of the page, and how add_stripe_bio went. */
const writerLocals = { wsh: Stripes, wdev: DataDisks, wpart: Parts, firstwrite: bool, added: bool };
/** What a writer's step sees: the state and the writer's locals. */
type W = StepState<S, typeof writerLocals>;
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

/** The counter with NEEDED set, as bitmap_endwrite(success=0) sets it before its decrement. */
const withNeeded = helper((s: S, c: number) => (c >= NEEDED ? c : c + NEEDED));

/** The counter as bitmap_endwrite sees it: with NEEDED set when the array is degraded. */
const endwriteBase = helper((s: S, c: number) => (Degraded ? withNeeded(s, s.counter[c]) : s.counter[c]));

/** Chunk c's count without a NEEDED bit that a degraded endwrite set (an underflow's NEEDED bit stays). */
const countOf = helper((s: S, c: number) => (s.needed[c] && s.counter[c] >= NEEDED ? s.counter[c] - NEEDED : s.counter[c]));

/** bitmap_daemon_work clears the bit when the counter is 1: the whole 16-bit value, so never with NEEDED set. */
const daemonClears = helper((s: S, c: number) => s.counter[c] === 1);

/** bitmap_daemon_work steps a counter at 2 down to 1 (whole value again: NEEDED or RESYNC keep it). */
const daemonCools = helper((s: S, c: number) => s.counter[c] === 2);

/** The writer's bio has been written and returned (its device has nothing queued or in flight). */
const bioDone = helper((s: S, sh: number, d: number) => s.towrite[sh][d] === "none" && !s.written[sh][d]);

// ---------------------------------------------------------------------------------------------
// Kernel code the variants share (macros: expanded in place where called, as PlusCal expands them)

/** make_request's bio on stripe sh: with FixedBios writer w's (stripe 1 only), else any data disk and part of the page. */
const chooseBio = macro((s: W, w: number, sh: number) => {
  if (FixedBios) {
    when(sh === 1);
    s.wdev = fixedDev(s, w);
    s.wpart = fixedPart(s, w);
  } else {
    const dev = choose(DataDisks);
    const part = choose(Parts);
    s.wdev = dev;
    s.wpart = part;
  }
});

/** get_active_stripe: take a reference on stripe sh; a stripe taken while on a list leaves it (list_del_init). */
const getReference = macro((s: S, sh: number) => {
  s.count[sh] += 1;
  s.queue[sh] = "none";
});

/** bitmap_startwrite for stripe sh: bump its chunk's counter, set the chunk's bit in memory (not yet on disk). */
const bitmapStartwrite = macro((s: S, sh: number) => {
  const c = chunkOf(s, sh);
  // COUNTER_MAX: sleep on overflow_wait until an endwrite wakes us.
  when(s.counter[c] % 16384 !== COUNTER_MAX);
  // A counter at 0 means the bit is clear: set it in memory (the page becomes DIRTY).
  if (s.counter[c] === 0) s.dirtiedIn[sh] = s.seqFlush + 1;
  s.counter[c] = counterPlusOne(s, s.counter[c]);
  s.pageAllocated[c] = true;
  s.bitMem[c] = true;
  s.starts[c] += 1;
});

/** add_stripe_bio, the bio accepted: link it on its device (towrite chain `now` so far) and count a device now overwritten whole. */
const linkBio = macro((s: W, now: Cover) => {
  s.added = true;
  s.firstwrite = now === "none";
  s.towrite[s.wsh][s.wdev] = covered(s, now, s.wpart);
  if (covered(s, now, s.wpart) === "full" && !s.overwrite[s.wsh][s.wdev]) {
    s.overwrite[s.wsh][s.wdev] = true;
    s.overwriteDisks[s.wsh] += 1;
  }
});

/** raid5_release_stripe: drop a reference; at 0 with STRIPE_HANDLE, do_release_stripe() queues it (delayed stripes wait on bitmap_list). */
const releaseStripe = macro((s: S, sh: number) => {
  s.count[sh] -= 1;
  if (s.count[sh] === 0 && s.handle[sh]) {
    s.queue[sh] = releasedTo(s, sh);
    s.bitDelay[sh] = s.bitDelay[sh] && s.bmSeq[sh] > s.seqWrite;
  }
});

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
    taken: mapping(Stripes, () => false),
    starts: mapping(Chunks, (c) => (c === 0 ? NData : 0)),
    ends: mapping(Chunks, () => 0),
    dirtiedIn: mapping(Stripes, () => 0),
    needed: mapping(Chunks, () => false),
  },
})
  .process("writer", Writers, {
    doc: "A thread in make_request() writing one bio to one device of a stripe.",
    fair: "weak",
    locals: writerLocals,
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
        chooseBio(s, self, sh);
        s.wsh = sh;
        getReference(s, sh);
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
          linkBio(s, now);
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
        bitmapStartwrite(s, s.wsh);
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
       * @story if Retry && !added: drops its reference on stripe {wsh} (count {count[wsh]}) and sleeps on wait_for_overlap
       * @story drops its reference on stripe {wsh} (count {count[wsh]})
       */
      release_stripe_plug: {
        models: "make_request / release_stripe_plug",
        body(s) {
        const sh = s.wsh;
        s.handle[sh] = s.handle[sh] || s.added;
        releaseStripe(s, sh);
        // make_request after a failed add_stripe_bio: release, then sleep on wait_for_overlap and retry.
        if (Retry && !s.added) goto("wait_for_overlap");
        else goto("Done");
        },
      },
      /**
       * wait_for_overlap, woken once the stripe is no longer batched and nothing overlaps: take it again, retry.
       * @story woken on wait_for_overlap: stripe {wsh} is no longer batched and d{wdev} free; takes it again to retry
       */
      wait_for_overlap: {
        models: "make_request / wait_for_overlap (retry)",
        body(s) {
        const sh = s.wsh;
        when(s.batchHead[sh] === null && !overlaps(s, s.towrite[sh][s.wdev], s.wpart));
        getReference(s, sh);
        goto("add_stripe_bio");
        },
      },
    },
  })
  .process("raid5d", Raid5d, {
    doc: "raid5d's bitmap flush: close a batch of bitmap updates, write them, release the delayed stripes.",
    fair: "weak",
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
        // Without the daemon no bit is ever cleared, so this is "set on disk what is set in memory".
        s.bitDisk = mapping(Chunks, (c) => s.bitMem[c]);
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
    fair: "weak",
    locals: { cur: Stripes },
    init: { cur: 0 },
    steps: {
      /**
       * Take a stripe off handle_list and handle it, or clean up a stripe whose writes completed.
       * With HandleBatch, taking a stripe off the list and handling it are separate steps.
       * @story if old(bitDelay[sh]) && queue[sh] == "bitmap": takes stripe {sh}: BIT_DELAY with bm_seq {bmSeq[sh]} >
       * seq_write {seqWrite}, so nothing is written: back to bitmap_list
       * @story if old(bitDelay[sh]): takes stripe {sh}: its BIT_DELAY is already flushed (bm_seq {bmSeq[sh]} <= seq_write
       * {seqWrite}): cleared, and the stripe is requeued
       * @story takes stripe {sh}: clear_batch_ready, then schedule_reconstruction writes it and every stripe of its batch,
       * whatever their own counts or BIT_DELAY say
       * @story takes stripe {t} off handle_list, holding a reference, to handle it later (count {count[t]})
       * @story starts handle_stripe on stripe {p}, which it took off handle_list earlier
       * @story the writes of stripe {h} completed: handles it again
       */
      handle_stripe: {
        models: "handle_stripe",
        body(s) {
        either(
          () => {
            when(!HandleBatch);
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
            // handle_active_stripes / __get_priority_stripe: off handle_list, with a reference, under device_lock.
            when(HandleBatch);
            const t = choose(filter(Stripes, (x) => s.queue[x] === "handle"));
            s.queue[t] = "none";
            s.count[t] += 1;
            s.taken[t] = true;
            goto("handle_stripe");
          },
          () => {
            // handle_active_stripes, device_lock dropped: handle_stripe on one of the stripes it took.
            const p = choose(filter(Stripes, (x) => s.taken[x]));
            s.taken[p] = false;
            s.cur = p;
            goto("clear_batch_ready");
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
       * handle_stripe clears STRIPE_HANDLE; clear_batch_ready (with b15a9dbd): a member is skipped, whether or
       * not its BATCH_READY was still set; a head stops its batch taking new members.
       * @story if isMember(cur): stripe {cur} is a member of stripe {batchHead[cur]}'s batch: clear_batch_ready returns 1,
       * handle_stripe leaves it to its head and drops its reference (count {count[cur]})
       * @story clear_batch_ready on stripe {cur}: no stripe joins its batch from now on
       */
      clear_batch_ready: {
        models: "handle_stripe / clear_batch_ready",
        body(s) {
        const sh = s.cur;
        s.handle[sh] = false;
        if (isMember(s, sh)) {
          s.batchReady[sh] = false;
          // raid5_release_stripe(): the batch's reference keeps a member's count above 0.
          s.count[sh] -= 1;
          goto("handle_stripe");
        } else {
          s.batchReady = mapping(Stripes, (m) => s.batchReady[m] && !inBatch(s, m, sh));
          goto("handle_taken");
        }
        },
      },
      /**
       * The rest of handle_stripe on a stripe raid5d took earlier, then release it (HandleBatch).
       * @story if isMember(cur) && inIO[cur]: handle_stripe writes stripe {cur} on its own, though it is a member of stripe
       * {batchHead[cur]}'s batch: its head's BIT_DELAY/bm_seq and batch bookkeeping are bypassed
       * @story if bitDelay[cur] || queue[cur] == "bitmap": stripe {cur} has BIT_DELAY (bm_seq {bmSeq[cur]}, seq_write
       * {seqWrite}): nothing is written, STRIPE_HANDLE stays; released (count {count[cur]}, list {queue[cur]})
       * @story if inIO[cur] && !old(inIO[cur]): handle_stripe writes stripe {cur} and every stripe of its batch, then drops its
       * reference (count {count[cur]})
       * @story handle_stripe finds nothing queued on stripe {cur} to write; drops its reference (count {count[cur]})
       */
      handle_taken: {
        models: "handle_stripe / schedule_reconstruction / raid5_release_stripe",
        body(s) {
        const sh = s.cur;
        if (s.bitDelay[sh]) {
          s.handle[sh] = true;
        } else {
          // Writes are issued only for bios still queued (a stripe whose data its head already drained has none).
          s.inIO[sh] = s.inIO[sh] || exists(Stripes, (m) => inBatch(s, m, sh) && hasQueuedData(s, m));
          s.written = mapping(Stripes, (m) => (inBatch(s, m, sh) ? mapping(DataDisks, (d) => s.written[m][d] || s.towrite[m][d] !== "none") : s.written[m]));
          s.towrite = mapping(Stripes, (m) => (inBatch(s, m, sh) ? mapping(DataDisks, () => "none") : s.towrite[m]));
          s.overwrite = mapping(Stripes, (m) => (inBatch(s, m, sh) ? mapping(DataDisks, () => false) : s.overwrite[m]));
          s.overwriteDisks = mapping(Stripes, (m) => (inBatch(s, m, sh) ? 0 : s.overwriteDisks[m]));
        }
        releaseStripe(s, sh);
        goto("handle_stripe");
        },
      },
      /**
       * bitmap_endwrite for the written devices of the next stripe of the batch (head first).
       * @story if !pageAllocated[chunkOf(m)]: stripe {m}'s writes are done: bitmap_endwrite on chunk {chunkOf(m)} is
       * ignored (no counter page)
       * @story if Degraded: stripe {m}'s writes are done on a degraded array: {ends[chunkOf(m)] - old(ends[chunkOf(m)])}
       * bitmap_endwrite(success=0) on chunk {chunkOf(m)} set NEEDED: counter {old(counter[chunkOf(m)])} → {hex(counter[chunkOf(m)])}
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
        if (s.pageAllocated[c]) {
          // Degraded: bitmap_endwrite(success=0) sets NEEDED before its decrement.
          s.counter[c] = counterMinus(s, endwriteBase(s, c), n);
          s.needed[c] = s.needed[c] || Degraded;
        }
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
  .process("daemon", BitmapDaemon, {
    doc: "The bitmap daemon (bitmap_daemon_work, every daemon_sleep): idle counters cool down and clean chunks' bits clear.",
    fair: "weak",
    steps: {
      /**
       * One pass over the counters (counter 2 → 1, counter 1 → 0 with its bit cleared in memory), or write the
       * pages whose bits were cleared (NEEDWRITE) to disk.
       * @story if bitDisk != old(bitDisk): writes the cleared bits to disk (bits on disk {bitDisk})
       * @story if bitMem != old(bitMem): a counter at 1 goes to 0 and its chunk's bit is cleared in memory (counters
       * {counter}, bits in memory {bitMem})
       * @story idle counters cool down from 2 to 1 (counters {counter})
       */
      bitmap_daemon_work: {
        models: "bitmap_daemon_work",
        body(s) {
        when(Daemon);
        either(
          () => {
            when(exists(Chunks, (c) => daemonClears(s, c) || daemonCools(s, c)));
            s.bitMem = mapping(Chunks, (c) => s.bitMem[c] && !daemonClears(s, c));
            s.counter = mapping(Chunks, (c) => (daemonClears(s, c) ? 0 : daemonCools(s, c) ? 1 : s.counter[c]));
          },
          () => {
            when(exists(Chunks, (c) => s.bitDisk[c] && !s.bitMem[c]));
            s.bitDisk = mapping(Chunks, (c) => s.bitDisk[c] && s.bitMem[c]);
          },
        );
        goto("bitmap_daemon_work");
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
          linkBio(s, now);
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
  .variant("pre-b15a9dbd", "handler", {
    doc: "Before b15a9dbd (and so before d0852df): clear_batch_ready returns 0 for a member whose BATCH_READY was already clear, so that member is handled on its own.",
    steps: {
      /**
       * Before b15a9dbd: a member is skipped only if its BATCH_READY was still set (its head not yet handled).
       * @story if isMember(cur) && old(batchReady[cur]): stripe {cur} is a member of stripe {batchHead[cur]}'s batch with BATCH_READY still set:
       * clear_batch_ready returns 1, handle_stripe leaves it to its head (count {count[cur]})
       * @story if isMember(cur): clear_batch_ready on stripe {cur}, a member of stripe {batchHead[cur]}'s batch whose
       * BATCH_READY its head already cleared: returns 0, so handle_stripe handles the member on its own
       * @story clear_batch_ready on stripe {cur}: no stripe joins its batch from now on
       */
      clear_batch_ready: {
        models: "handle_stripe / clear_batch_ready",
        body(s) {
        const sh = s.cur;
        s.handle[sh] = false;
        if (isMember(s, sh) && s.batchReady[sh]) {
          s.batchReady[sh] = false;
          s.count[sh] -= 1;
          goto("handle_stripe");
        } else {
          s.batchReady = mapping(Stripes, (m) => s.batchReady[m] && !inBatch(s, m, sh));
          goto("handle_taken");
        }
        },
      },
    },
  })
  .variant("cd5fc653", "writer", {
    doc: "With cd5fc653 (2025): bitmap_startwrite/endwrite per bio in the md layer, no BITMAP_PENDING, BIT_DELAY/bm_seq set under stripe_lock only on a stripe that is not batched.",
    steps: {
      /**
       * md layer: bitmap_startwrite for the bio's range, then make_request takes a reference on the stripe.
       * @story if old(counter[chunkOf(wsh)]) == 0: md layer: bitmap_startwrite sets chunk {chunkOf(wsh)}'s bit in memory for
       * the bio; takes a reference on stripe {wsh} to write the {wpart} part of d{wdev}
       * @story md layer: bitmap_startwrite on chunk {chunkOf(wsh)} (counter {counter[chunkOf(wsh)]}); takes a reference on
       * stripe {wsh} to write the {wpart} part of d{wdev}
       */
      get_active_stripe: {
        models: "md_account_bio / bitmap_startwrite, make_request / get_active_stripe",
        body(s, self) {
        const sh = choose(Targets);
        chooseBio(s, self, sh);
        bitmapStartwrite(s, sh);
        s.wsh = sh;
        getReference(s, sh);
        },
      },
      /**
       * Under stripe_lock: link the bio; a first write to a device of a stripe that is not batched records BIT_DELAY/bm_seq.
       * @story if !added: gives up: stripe {wsh} is batched, or the bio overlaps a queued one
       * @story if firstwrite: queues d{wdev} on stripe {wsh} (overwrite_disks = {overwriteDisks[wsh]}) and, still under
       * stripe_lock, sets BIT_DELAY with bm_seq = {bmSeq[wsh]}
       * @story queues a second bio on d{wdev} of stripe {wsh} (overwrite_disks = {overwriteDisks[wsh]})
       */
      add_stripe_bio: {
        models: "add_stripe_bio",
        body(s) {
        const now = s.towrite[s.wsh][s.wdev];
        if (s.batchHead[s.wsh] !== null || overlaps(s, now, s.wpart)) {
          s.added = false;
          goto("release_stripe_plug");
        } else {
          linkBio(s, now);
          // The stripe is not batched (checked above, same critical section).
          if (now === "none") {
            s.bmSeq[s.wsh] = s.seqFlush + 1;
            s.bitDelay[s.wsh] = true;
          }
          goto("stripe_add_to_batch_list");
        }
        },
      },
      /**
       * make_request sets STRIPE_HANDLE and drops its reference; the bio's bitmap_endwrite comes when it completes.
       * @story if Retry && !added: drops its reference on stripe {wsh} (count {count[wsh]}) and sleeps on wait_for_overlap
       * @story if count[wsh] == 0 && queue[wsh] != "none": drops the last reference on stripe {wsh}, which goes to
       * {queue[wsh]}_list
       * @story drops its reference on stripe {wsh} (count {count[wsh]})
       */
      release_stripe_plug: {
        models: "make_request / release_stripe_plug",
        body(s) {
        const sh = s.wsh;
        s.handle[sh] = s.handle[sh] || s.added;
        releaseStripe(s, sh);
        if (Retry && !s.added) goto("wait_for_overlap");
        else goto("md_bitmap_endwrite");
        },
      },
      /**
       * md layer, when the bio completes (or is failed back without being added): bitmap_endwrite for its range.
       * @story if !added: the bio was not added: md layer ends it, bitmap_endwrite on chunk {chunkOf(wsh)} (counter
       * {old(counter[chunkOf(wsh)])} → {counter[chunkOf(wsh)]})
       * @story its bio on d{wdev} of stripe {wsh} completed: md layer calls bitmap_endwrite on chunk {chunkOf(wsh)} (counter
       * {old(counter[chunkOf(wsh)])} → {hex(counter[chunkOf(wsh)])})
       */
      md_bitmap_endwrite: {
        models: "md_end_clone_io / bitmap_endwrite",
        body(s) {
        when(!s.added || bioDone(s, s.wsh, s.wdev));
        const c = chunkOf(s, s.wsh);
        s.counter[c] = counterMinus(s, endwriteBase(s, c), 1);
        s.needed[c] = s.needed[c] || Degraded;
        s.ends[c] += 1;
        goto("Done");
        },
      },
    },
  })
  .variant("cd5fc653", "handler", {
    steps: {
      /**
       * With cd5fc653: return the written bios of the next stripe of the batch (head first); no bitmap_endwrite here.
       * @story stripe {m}'s writes are done: its bios are returned to the md layer
       */
      handle_stripe_clean_event: {
        models: "handle_stripe_clean_event",
        body(s) {
        const m = choose(filter(Stripes, (x) => inBatch(s, x, s.cur) && isWriting(s, x) && forall(Stripes, (y) => implies(inBatch(s, y, s.cur) && isWriting(s, y), y >= x))));
        s.written[m] = mapping(DataDisks, () => false);
        if (exists(Stripes, (y) => y !== m && inBatch(s, y, s.cur) && isWriting(s, y))) goto("handle_stripe_clean_event");
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
   * (2) The counter never wraps: no NEEDED/RESYNC bits from an underflow, COUNT never at COUNTER_MAX (a NEEDED bit
   * that a degraded bitmap_endwrite set is not an underflow).
   * @story if counter[c] >= 32768: counter {c} is {hex(counter[c])}: it went below zero and wrapped, NEEDED and RESYNC set
   * @story counter {c} is {counter[c]}: at COUNTER_MAX
   */
  .invariant("CounterInRange", (s) => forall(Chunks, (c) => s.counter[c] < COUNTER_MAX || (s.needed[c] && countOf(s, c) < COUNTER_MAX)))
  /**
   * (3) Counter balance: a set bit's counter is 2 + the writes started and not ended (no leak); with the daemon a
   * counter may also have cooled down to 1 when nothing is pending.
   * @story counter {c} is {counter[c]}, but 2 + {starts[c]} started - {ends[c]} ended writes make {2 + starts[c] - ends[c]}
   */
  .invariant("CounterBalance", (s) =>
    forall(Chunks, (c) =>
      implies(
        s.pageAllocated[c] && s.counter[c] !== 0,
        s.counter[c] === 2 + s.starts[c] - s.ends[c] ||
          (s.needed[c] && countOf(s, c) === 2 + s.starts[c] - s.ends[c]) ||
          (Daemon && countOf(s, c) === 1 && s.starts[c] === s.ends[c]),
      ),
    ),
  )
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
   * (7) A member is written only through its head: no stripe in another's batch has writes of its own in flight
   * (the body of handle_stripe never runs on a member; b15a9dbd).
   * @story stripe {m} is a member of stripe {batchHead[m]}'s batch but has writes of its own in flight: it was handled
   * on its own
   */
  .invariant("MemberWrittenByHead", (s) => forall(Stripes, (m) => implies(isMember(s, m), !s.inIO[m])))
  /**
   * (3) A chunk that a degraded write marked NEEDED keeps its bit set (until a resync, not modelled, clears NEEDED):
   * the bitmap daemon must not clear it.
   * @story chunk {c} was marked NEEDED by a degraded write, but its bit is clear in memory (counter {hex(counter[c])})
   */
  .invariant("NeededKept", (s) => forall(Chunks, (c) => implies(s.needed[c], s.bitMem[c])))
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
  // Liveness. Every thread is weakly fair (a thread whose step stays enabled takes it). raid5d, the handler
  // and the daemon never end, but each of their steps waits for work, so they add no idle cycle: every fair
  // behaviour ends where no step is enabled, and with every writer Done and nothing queued that end (raid5d
  // and the handler idle) breaks none of the properties. A writer that gives up (without Retry) is Done, its
  // bio dropped, which the kernel never does: WriterFinishes says most with Retry.
  /**
   * (9) Nobody sleeps for ever on overflow_wait: every writer's bitmap_startwrite returns. The call is the
   * bitmap_startwrite step, or with cd5fc653 (which calls it in the md layer) get_active_stripe; a writer
   * at get_active_stripe in the other variants always moves on, so there the property is the narrow one.
   * @story writer {w} sleeps on overflow_wait in bitmap_startwrite for ever: chunk {chunkOf(wsh[w])}'s counter is
   * {hex(counter[chunkOf(wsh[w])])}, its COUNT at COUNTER_MAX, and no bitmap_endwrite on that chunk is left to wake it
   */
  .property("StartwriteReturns", (s) =>
    forall(Writers, (w) =>
      leadsTo(
        s.pc[w] === "bitmap_startwrite" || s.pc[w] === "get_active_stripe",
        s.pc[w] !== "bitmap_startwrite" && s.pc[w] !== "get_active_stripe",
      ),
    ),
  )
  /**
   * (9) Every queued write is eventually written: a bio queued on a device (towrite) is drained, written to
   * disk and completed (handle_stripe_clean_event returns it).
   * @story if count[sh] > 0 && queue[sh] == "none" && towrite[sh][d] != "none": the bio queued on d{d} of stripe {sh}
   * (towrite {towrite[sh][d]}) is never written: the stripe's count stays {count[sh]} (references held by writers that
   * never get through), so it is on no list and handle_stripe never sees it
   * @story the bio queued on d{d} of stripe {sh} (towrite {towrite[sh][d]}, being written: {written[sh][d]}) never
   * completes
   */
  .property("QueuedWritten", (s) => forall(Stripes, (sh) => forall(DataDisks, (d) => leadsTo(s.towrite[sh][d] !== "none", bioDone(s, sh, d)))))
  /**
   * (9) Every writer finishes: it neither hangs in bitmap_startwrite nor, with Retry, waits on wait_for_overlap for ever.
   * @story if pc[w] == "bitmap_startwrite": writer {w} never finishes: it sleeps on overflow_wait in bitmap_startwrite
   * for ever (chunk {chunkOf(wsh[w])}'s counter {hex(counter[chunkOf(wsh[w])])})
   * @story if pc[w] == "wait_for_overlap": writer {w} never finishes: it waits on wait_for_overlap for ever (stripe
   * {wsh[w]}, batch_head {batchHead[wsh[w]]}, d{wdev[w]} queued: {towrite[wsh[w]][wdev[w]]})
   * @story writer {w} never finishes: it stays at {pc[w]}
   */
  .property("WriterFinishes", (s) => forall(Writers, (w) => eventually(s.pc[w] === "Done")))
  .config("small", {
    doc: "The brief's minimal setup: H queued, S written by three writers over two data disks, separate counters.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_shared", {
    doc: "As small, but S shares H's bitmap counter (bitmap chunk as large as the RAID chunk).",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: true, CounterPageAllocated: true, FixedBios: true, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_unallocated", {
    doc: "As small, with S's counter page not allocated: bitmap_endwrite on it is silently ignored.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: false, FixedBios: true, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("two_disk", {
    doc: "A 2-disk RAID5 (one data disk): two writers each covering half of the page.",
    constants: { NStripes: 2, NData: 1, NWriters: 2, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_free", {
    doc: "As small, but every writer chooses its bio freely: any disk, any part of the page.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("wide", {
    doc: "Four data disks and five writers (d0–d2 whole, d3 in halves): enough first writers for the counter to underflow.",
    constants: { NStripes: 2, NData: 4, NWriters: 5, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("three_stripes", {
    doc: "H and two following stripes of a 2-disk RAID5, three writers choosing any stripe and part: chains of batches.",
    constants: { NStripes: 3, NData: 1, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_batch", {
    doc: "As small, with raid5d taking stripes off handle_list before handling them (handle_active_stripes): a stripe can join a batch while raid5d holds it.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: false, Degraded: false, Retry: false, HandleBatch: true },
  })
  .config("small_daemon", {
    doc: "As small, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_shared_daemon", {
    doc: "As small_shared, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: true, CounterPageAllocated: true, FixedBios: true, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_unallocated_daemon", {
    doc: "As small_unallocated, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: false, FixedBios: true, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("two_disk_daemon", {
    doc: "As two_disk, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 2, NData: 1, NWriters: 2, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_free_daemon", {
    doc: "As small_free, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("wide_daemon", {
    doc: "As wide, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 2, NData: 4, NWriters: 5, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("three_stripes_daemon", {
    doc: "As three_stripes, with the bitmap daemon clearing the bits of idle chunks.",
    constants: { NStripes: 3, NData: 1, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: true, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("small_degraded", {
    doc: "As small, on a degraded array (bitmap_endwrite with success=0 sets NEEDED), with the bitmap daemon.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: true, Daemon: true, Degraded: true, Retry: false, HandleBatch: false },
  })
  .config("two_disk_free", {
    doc: "A 2-disk RAID5, two writers choosing any stripe part: a bio can overlap a queued one or find its stripe batched.",
    constants: { NStripes: 2, NData: 1, NWriters: 2, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: false, Degraded: false, Retry: false, HandleBatch: false },
  })
  .config("two_disk_free_retry", {
    doc: "As two_disk_free, with writers that wait on wait_for_overlap and retry a bio they could not add.",
    constants: { NStripes: 2, NData: 1, NWriters: 2, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: false, Degraded: false, Retry: true, HandleBatch: false },
  })
  .config("small_free_retry", {
    doc: "As small_free, with writers that wait on wait_for_overlap and retry a bio they could not add.",
    constants: { NStripes: 2, NData: 2, NWriters: 3, SharedCounter: false, CounterPageAllocated: true, FixedBios: false, Daemon: false, Degraded: false, Retry: true, HandleBatch: false },
  });
