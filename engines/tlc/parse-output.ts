/**
 * Reads the message stream TLC prints with `-tool`: every message is framed as
 * `@!@!@STARTMSG <code>:<severity> @!@!@` … `@!@!@ENDMSG <code> @!@!@`, messages can nest (an
 * exception message wraps the message that caused it), and anything outside a frame is either SANY's
 * plain output (between messages 2220 and 2219) or what the spec printed (`Print`, `PrintT`).
 *
 * The codes are TLC's `tlc2.output.EC` constants; the severities are `tlc2.output.MP`'s.
 * The parser is pure: a string in, a plain object out, so it is tested against recorded outputs.
 */
import { parseTlaValue, type TlaValue } from "../tla-value.ts";

/** TLC's message codes that the parser acts on (tlc2.output.EC). */
export const TlcCode = {
  GENERAL: 1000,
  TLC_NESTED_EXPRESSION: 2103,
  TLC_ASSUMPTION_FALSE: 2104,
  TLC_INVARIANT_VIOLATED_INITIAL: 2107,
  TLC_PROPERTY_VIOLATED_INITIAL: 2108,
  TLC_INVARIANT_VIOLATED_BEHAVIOR: 2110,
  TLC_ACTION_PROPERTY_VIOLATED_BEHAVIOR: 2112,
  TLC_DEADLOCK_REACHED: 2114,
  TLC_TEMPORAL_PROPERTY_VIOLATED: 2116,
  TLC_ERROR_STATE: 2120,
  TLC_BEHAVIOR_UP_TO_THIS_POINT: 2121,
  TLC_BACK_TO_STATE: 2122,
  TLC_VALUE_ASSERT_FAILED: 2132,
  TLC_MODULE_VALUE_JAVA_METHOD_OVERRIDE_LOADED: 2168,
  TLC_PARSING_FAILED2: 2171,
  TLC_STARTING: 2185,
  TLC_FINISHED: 2186,
  TLC_INIT_GENERATED1: 2190,
  TLC_INIT_GENERATED2: 2191,
  TLC_SUCCESS: 2193,
  TLC_SEARCH_DEPTH: 2194,
  TLC_STATS: 2199,
  TLC_PROGRESS_STATS: 2200,
  TLC_COVERAGE_START: 2201,
  TLC_INIT_GENERATED3: 2207,
  TLC_INIT_GENERATED4: 2208,
  TLC_STATE_PRINT1: 2216,
  TLC_STATE_PRINT2: 2217,
  TLC_STATE_PRINT3: 2218,
  TLC_SANY_END: 2219,
  TLC_SANY_START: 2220,
  TLC_VERSION: 2262,
  TLC_USAGE: 2263,
  TLC_COUNTER_EXAMPLE: 2264,
  TLC_COVERAGE_NEXT: 2772,
  TLC_COVERAGE_INIT: 2773,
  TLC_PARSING_FAILED: 3002,
  TLC_MODULE_OVERRIDE_STDOUT: 20000,
  UNIT_TEST: -123456,
} as const;

/** Message severities (tlc2.output.MP). */
export const TlcSeverity = { NONE: 0, ERROR: 1, TLCBUG: 2, WARNING: 3, STATE: 4 } as const;

export interface TlcMessage {
  code: number;
  severity: number;
  /** The message body without its frame; a nested message's text is included in its parent's. */
  text: string;
  /** 0 for a top-level message, 1 for a message printed inside another, and so on. */
  depth: number;
}

export type TlcOutcome =
  | "ok"
  | "invariant"
  | "deadlock"
  | "assertion"
  | "property"
  | "sany-error"
  | "error"
  | "incomplete";

export type TlcViolationKind = "invariant" | "deadlock" | "assertion" | "property";

export interface TlcViolation {
  kind: TlcViolationKind;
  code: number;
  text: string;
  /** The invariant or property named in the message, when it names one. */
  name?: string;
}

export interface TlcLocation {
  module: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface TlcVariable {
  name: string;
  /** The value exactly as TLC printed it (multi-line values keep their line breaks). */
  text: string;
  value: TlaValue;
}

/** A variable whose printed value is not one raidspec can read (kept out of `variables`). */
export interface TlcUnreadableVariable {
  name: string;
  text: string;
  error: string;
}

export interface TlcTraceState {
  /** TLC's 1-based state number. */
  index: number;
  /** The action that produced the state as TLC names it (`Initial predicate`, `Init`, `a1`); null when TLC gives none. */
  action: string | null;
  /** The action's arguments when TLC prints them (`a1(p1)` gives `p1`), read as values where possible. */
  actionArgs?: string;
  actionParams?: TlaValue[];
  location?: TlcLocation;
  variables: TlcVariable[];
  /** Variables TLC printed in a form the value reader does not accept; also listed in `warnings`. */
  unreadable?: TlcUnreadableVariable[];
  /** On the closing state of a lasso: the number of the earlier state the behaviour returns to. */
  backTo?: number;
  /** On the closing state of a behaviour that stutters forever. */
  stuttering?: boolean;
}

export interface TlcCoverageItem {
  action: string;
  location: TlcLocation;
  distinct: number;
  total: number;
  /** True for the initial predicate (message 2773), false for next-state actions (2772). */
  init: boolean;
}

export interface SanyMessage {
  severity: "error" | "warning";
  message: string;
  location?: TlcLocation;
}

export interface TlcProgress {
  generated: number;
  distinct: number;
  queued: number;
  /** TLC's timestamp for the report, as printed (`2019-08-17 00:11:09`). */
  at?: string;
}

export interface TlcOutput {
  /** `2.14`, `2.16`, … (whatever follows "Version" in message 2262). */
  tlcVersion?: string;
  messages: TlcMessage[];
  outcome: TlcOutcome;
  /** Every violation TLC reported (with `-continue` there can be several); the first decides the outcome. */
  violations: TlcViolation[];
  violatedInvariant?: string;
  violatedProperty?: string;
  /** From the final statistics, or the last progress report when TLC stopped before printing them. */
  distinctStates?: number;
  generatedStates?: number;
  statesLeftOnQueue?: number;
  initialStates?: number;
  depth?: number;
  progress: TlcProgress[];
  /** Error texts: SANY errors (located), TLC errors with any nested exception message folded in. */
  errors: string[];
  warnings: string[];
  /** SANY's errors and warnings, with positions where SANY gives them. */
  sany: SanyMessage[];
  /** The first counterexample (initial state first). */
  trace?: TlcTraceState[];
  /** Every counterexample printed, in order (several only with `-continue`). */
  traces: TlcTraceState[][];
  /** Lines the spec printed (outside any message, or through a module override's stdout). */
  printed: string[];
  /** The last complete coverage report, if TLC printed one. */
  coverage?: TlcCoverageItem[];
  startedAt?: string;
  finishedAt?: string;
  /** TLC's own measure of its run ("Finished in 886ms"). */
  tlcDurationMs?: number;
  /** TLC printed its closing message (2186); false means the output was cut off. */
  finished: boolean;
}

// ---------------------------------------------------------------------------------------------
// Stage 1: frames. Split the text into messages and the plain text between them.

type StreamEvent = { kind: "message"; message: TlcMessage } | { kind: "text"; lines: string[] };

const MARKER = /@!@!@STARTMSG (-?\d+)(?::(-?\d+))? @!@!@|@!@!@ENDMSG (-?\d+) @!@!@/g;

interface OpenMessage {
  message: TlcMessage;
  buffer: string;
}

function closeMessage(open: OpenMessage): void {
  // A body starts on the line after its STARTMSG marker; trailing blank lines are layout.
  open.message.text = open.buffer.replace(/^\n/, "").trimEnd();
}

/** Lines of plain text between frames; `afterMarker` says a marker's own line break comes first. */
function plainLines(segment: string, afterMarker: boolean): string[] {
  const body = afterMarker ? segment.replace(/^\n/, "") : segment;
  if (body === "") return [];
  const lines = body.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function scanFrames(text: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  const stack: OpenMessage[] = [];
  let last = 0;
  let afterMarker = false;

  const takeSegment = (segment: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.buffer += segment;
    else {
      const lines = plainLines(segment, afterMarker);
      if (lines.length > 0) events.push({ kind: "text", lines });
    }
  };

  for (const match of text.matchAll(MARKER)) {
    takeSegment(text.slice(last, match.index));
    last = match.index + match[0].length;
    afterMarker = true;
    if (match[1] !== undefined) {
      const message: TlcMessage = {
        code: Number(match[1]),
        severity: match[2] === undefined ? 0 : Number(match[2]),
        text: "",
        depth: stack.length,
      };
      events.push({ kind: "message", message });
      stack.push({ message, buffer: "" });
    } else {
      const open = stack.pop();
      // An ENDMSG without a STARTMSG carries nothing to keep.
      if (!open) continue;
      closeMessage(open);
      const parent = stack[stack.length - 1];
      if (parent) parent.buffer += open.message.text;
    }
  }
  takeSegment(text.slice(last));
  // Output cut off mid-message (TLC killed): keep what was printed.
  while (stack.length > 0) {
    const open = stack.pop()!;
    closeMessage(open);
    const parent = stack[stack.length - 1];
    if (parent) parent.buffer += open.message.text;
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Small readers for single message bodies.

/**
 * A count as TLC prints it under the JVM's locale: `1234`, `1,234`, `1.234`, `1 234` (no-break or
 * narrow space), or with the separator mangled to U+FFFD by a wrong console encoding. A separator is
 * only taken as one when exactly three digits follow it.
 */
const COUNT = String.raw`(\d{1,3}(?:[.,'\u2019\u00a0\u202f\u2009\ufffd ]\d{3})+|\d+)`;

function parseCount(text: string): number {
  return Number(text.replace(/\D/g, ""));
}

/** The count printed right before `after` (a regular-expression fragment). */
function findCount(text: string, after: string): number | undefined {
  const match = new RegExp(`${COUNT} ${after}`).exec(text);
  return match ? parseCount(match[1]) : undefined;
}

/** The count printed right after `before` (a regular-expression fragment). */
function findCountAfter(text: string, before: string): number | undefined {
  const match = new RegExp(`${before} ${COUNT}`).exec(text);
  return match ? parseCount(match[1]) : undefined;
}

const LOCATION = String.raw`line (\d+), col (\d+) to line (\d+), col (\d+) of module ([^\s>]+)`;

function locationFrom(match: RegExpExecArray, first: number): TlcLocation {
  return {
    line: Number(match[first]),
    column: Number(match[first + 1]),
    endLine: Number(match[first + 2]),
    endColumn: Number(match[first + 3]),
    module: match[first + 4],
  };
}

function parseProgress(text: string): TlcProgress | undefined {
  const generated = findCount(text, "states? generated");
  const distinct = findCount(text, "distinct states? found");
  const queued = findCount(text, "states? left on queue");
  if (generated === undefined || distinct === undefined || queued === undefined) return undefined;
  const at = /\bat (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(text)?.[1];
  return at === undefined ? { generated, distinct, queued } : { generated, distinct, queued, at };
}

/** "Finished in 886ms at (…)" in older TLCs, "Finished in 01min 05s at (…)" in newer ones. */
function parseFinished(text: string): { durationMs?: number; at?: string } {
  const at = /at \((.+?)\)\s*$/.exec(text)?.[1];
  const ms = /Finished in (\d+)ms/.exec(text);
  if (ms) return { durationMs: Number(ms[1]), at };
  const hms = /Finished in (?:(\d+)h )?(?:(\d+)min )?(\d+)s/.exec(text);
  if (hms) {
    const seconds = Number(hms[1] ?? 0) * 3600 + Number(hms[2] ?? 0) * 60 + Number(hms[3]);
    return { durationMs: seconds * 1000, at };
  }
  return { at };
}

function parseCoverageItem(text: string, init: boolean): TlcCoverageItem | undefined {
  // TLC 2.16 appends the definition's own span: `<Next line 6, col 1 to … of module M (6 30 6 35)>: 2:6`.
  const match = new RegExp(String.raw`^<(.+?) ${LOCATION}(?: \([\d ]+\))?>: ${COUNT}:${COUNT}`).exec(text);
  if (!match) return undefined;
  return {
    action: match[1],
    location: locationFrom(match, 2),
    distinct: parseCount(match[7]),
    total: parseCount(match[8]),
    init,
  };
}

function violationOf(message: TlcMessage): TlcViolation | undefined {
  const { code, text } = message;
  const named = (pattern: RegExp): string | undefined => pattern.exec(text)?.[1];
  switch (code) {
    case TlcCode.TLC_INVARIANT_VIOLATED_INITIAL:
    case TlcCode.TLC_INVARIANT_VIOLATED_BEHAVIOR:
      return withName({ kind: "invariant", code, text }, named(/^Invariant (\S+) is violated/));
    case TlcCode.TLC_DEADLOCK_REACHED:
      return { kind: "deadlock", code, text };
    case TlcCode.TLC_VALUE_ASSERT_FAILED:
      return { kind: "assertion", code, text };
    case TlcCode.TLC_PROPERTY_VIOLATED_INITIAL:
    case TlcCode.TLC_ACTION_PROPERTY_VIOLATED_BEHAVIOR:
    case TlcCode.TLC_TEMPORAL_PROPERTY_VIOLATED:
      return withName({ kind: "property", code, text }, named(/^(?:Action )?[Pp]roperty (\S+) is violated/));
    default:
      return undefined;
  }
}

function withName(violation: TlcViolation, name: string | undefined): TlcViolation {
  return name === undefined ? violation : { ...violation, name };
}

/** Messages that frame a counterexample rather than report a problem, whatever their severity. */
const TRACE_FRAMING = new Set<number>([
  TlcCode.TLC_ERROR_STATE,
  TlcCode.TLC_BEHAVIOR_UP_TO_THIS_POINT,
  TlcCode.TLC_COUNTER_EXAMPLE,
  TlcCode.TLC_STATE_PRINT1,
  TlcCode.TLC_STATE_PRINT2,
  TlcCode.TLC_STATE_PRINT3,
  TlcCode.TLC_BACK_TO_STATE,
]);

/** Messages that are never a problem report (usage text, self-test output, informational loads). */
const NEVER_A_PROBLEM = new Set<number>([
  TlcCode.TLC_VERSION,
  TlcCode.TLC_USAGE,
  TlcCode.UNIT_TEST,
  TlcCode.TLC_MODULE_VALUE_JAVA_METHOD_OVERRIDE_LOADED,
]);

/** Codes of TLC's configuration-file errors (`CFG_*` and `TLC_CONFIG_*` in EC.java). */
export function isTlcConfigErrorCode(code: number): boolean {
  return (code >= 5001 && code <= 5006) || (code >= 2222 && code <= 2245) || code === 2280 || code === 2281;
}

// ---------------------------------------------------------------------------------------------
// Trace states

const STATE_HEADER = new RegExp(String.raw`^(\d+): <(.*?) ${LOCATION}>\s*$`);
const SPECIAL_STATE_HEADER = /^(\d+): <([^<>]*)>\s*$/;
const BACK_TO_STATE = new RegExp(String.raw`^(\d+): Back to state(?:: <(.*?) ${LOCATION}>|[.:]?\s*(.*))$`);

export interface ActionName {
  action: string;
  actionArgs?: string;
  actionParams?: TlaValue[];
}

/** Newer TLCs print an action's arguments: `<a1(p1) line …>`, `<w(<<1, 2>>,TRUE) line …>`. */
export function splitActionName(raw: string): ActionName {
  const match = /^([^(]+)\((.*)\)$/.exec(raw);
  if (!match) return { action: raw };
  const [, action, args] = match;
  try {
    const params = parseTlaValue(`<<${args}>>`);
    if (params.kind === "seq") return { action, actionArgs: args, actionParams: params.elements };
  } catch {
    // Arguments that are not plain values stay as text.
  }
  return { action, actionArgs: args };
}

export interface ReadVariables {
  variables: TlcVariable[];
  unreadable: TlcUnreadableVariable[];
}

/**
 * Variables follow the header as `/\ name = value` lines, a value continuing on indented lines; a
 * spec with a single variable gets `name = value` without the conjunction.
 */
export function parseVariables(lines: string[]): ReadVariables {
  const read: ReadVariables = { variables: [], unreadable: [] };
  let current: { name: string; lines: string[] } | undefined;
  const flush = (): void => {
    if (!current) return;
    const text = current.lines.join("\n").trimEnd();
    try {
      read.variables.push({ name: current.name, text, value: parseTlaValue(text) });
    } catch (error) {
      read.unreadable.push({ name: current.name, text, error: error instanceof Error ? error.message : String(error) });
    }
  };
  for (const line of lines) {
    const conjunct = /^\/\\ ([A-Za-z0-9_]+) = (.*)$/.exec(line);
    const first = read.variables.length === 0 && read.unreadable.length === 0 && !current;
    const bare = first ? /^([A-Za-z0-9_]+) = (.*)$/.exec(line) : null;
    const start = conjunct ?? bare;
    if (start) {
      flush();
      current = { name: start[1], lines: [start[2]] };
    } else if (current && line.trim() !== "") {
      current.lines.push(line);
    }
  }
  flush();
  return read;
}

function withVariables(state: Omit<TlcTraceState, "variables">, read: ReadVariables): TlcTraceState {
  return read.unreadable.length > 0
    ? { ...state, variables: read.variables, unreadable: read.unreadable }
    : { ...state, variables: read.variables };
}

/** Reads one 2216/2217 message: a header naming the state and its action, then the variables. */
export function parseTraceStateText(text: string): TlcTraceState | undefined {
  const [header, ...rest] = text.split("\n");
  const located = STATE_HEADER.exec(header);
  if (located) {
    const head = { index: Number(located[1]), ...splitActionName(located[2]), location: locationFrom(located, 3) };
    return withVariables(head, parseVariables(rest));
  }
  const special = SPECIAL_STATE_HEADER.exec(header);
  if (special) return withVariables({ index: Number(special[1]), action: special[2] }, parseVariables(rest));
  return undefined;
}

function stutteringState(text: string, previous: TlcTraceState | undefined): TlcTraceState {
  const index = Number(/^(\d+)/.exec(text)?.[1] ?? (previous ? previous.index + 1 : 1));
  // The state repeats the previous one; its variables are copied so each state stands alone.
  return { index, action: null, variables: previous ? previous.variables : [], stuttering: true };
}

function backToState(text: string, trace: TlcTraceState[]): TlcTraceState | undefined {
  const match = BACK_TO_STATE.exec(text.split("\n")[0]);
  if (!match) return undefined;
  const backTo = Number(match[1]);
  const target = trace.find((s) => s.index === backTo);
  const previous = trace[trace.length - 1];
  const closing: TlcTraceState = {
    index: previous ? previous.index + 1 : backTo,
    action: null,
    variables: target ? target.variables : [],
    backTo,
  };
  if (match[2] !== undefined) return { ...closing, ...splitActionName(match[2]), location: locationFrom(match, 3) };
  return closing;
}

// ---------------------------------------------------------------------------------------------
// SANY's plain-text report

const SANY_LOCATION = new RegExp(String.raw`^\s*${LOCATION}\s*$`);

/**
 * SANY prints `*** Errors: N` / `*** Warnings: N` sections of `line …, col … of module M` followed
 * by the message, or a `***Parse Error***` block, or a one-line lexical error.
 */
export function parseSanyReport(lines: string[]): SanyMessage[] {
  const out: SanyMessage[] = [];
  let mode: "none" | "error" | "warning" | "parse" = "none";
  let current: { severity: "error" | "warning"; location?: TlcLocation; text: string[] } | undefined;
  const flush = (): void => {
    if (current && current.text.length > 0) {
      const message = current.text.join("\n");
      out.push(current.location ? { severity: current.severity, message, location: current.location } : { severity: current.severity, message });
    }
    current = undefined;
  };

  // Parse errors give a line and column but no module: it is the file SANY was reading.
  let moduleName = "";
  const at = (line: number, column: number): TlcLocation => ({ module: moduleName, line, column, endLine: line, endColumn: column });

  for (const raw of lines) {
    const line = raw.trimEnd();
    const reading = /^Parsing file (.+?)(?: \(.*\))?$/.exec(line);
    if (reading || /^Semantic processing of module /.test(line)) {
      flush();
      mode = "none";
      if (reading) moduleName = reading[1].replace(/^.*[\\/]/, "").replace(/\.tla$/, "");
      continue;
    }
    if (/^\*\*\* Errors:/.test(line) || /^Semantic errors:/.test(line)) {
      flush();
      mode = "error";
      continue;
    }
    if (/^\*\*\* Warnings:/.test(line)) {
      flush();
      mode = "warning";
      continue;
    }
    if (/^\*\*\*\s*Parse Error\s*\*\*\*/.test(line)) {
      flush();
      mode = "parse";
      current = { severity: "error", text: [] };
      continue;
    }
    const lexical = /^\s*Lexical error at line (\d+), column (\d+)\.\s*(.*)$/.exec(line);
    if (lexical) {
      flush();
      out.push({ severity: "error", message: line.trim(), location: at(Number(lexical[1]), Number(lexical[2])) });
      continue;
    }
    if (mode === "none") continue;
    if (mode === "parse") {
      if (line.trim() !== "") current?.text.push(line.trim());
      const where = /at line (\d+), column (\d+)/.exec(line);
      if (where && current && !current.location) current.location = at(Number(where[1]), Number(where[2]));
      continue;
    }
    const location = SANY_LOCATION.exec(line);
    if (location) {
      flush();
      current = { severity: mode, location: locationFrom(location, 1), text: [] };
      continue;
    }
    if (line.trim() === "") continue;
    if (!current) current = { severity: mode, text: [] };
    current.text.push(line.trim());
  }
  flush();
  return out;
}

function describeSany(message: SanyMessage): string {
  const l = message.location;
  if (!l) return message.message;
  const where = l.module
    ? `line ${l.line}, col ${l.column} to line ${l.endLine}, col ${l.endColumn} of module ${l.module}`
    : `line ${l.line}, column ${l.column}`;
  return message.message.startsWith(where) ? message.message : `${where}: ${message.message}`;
}

// ---------------------------------------------------------------------------------------------
// Stage 2: interpret the events in order.

interface Accumulator {
  out: TlcOutput;
  sanyLines: string[];
  coverageDraft?: TlcCoverageItem[];
  success: boolean;
  sanyFailed: boolean;
  /** The counterexample being printed; a violation or a renewed state 1 starts another. */
  currentTrace?: TlcTraceState[];
}

function startTrace(acc: Accumulator): TlcTraceState[] {
  const trace: TlcTraceState[] = [];
  acc.out.traces.push(trace);
  acc.currentTrace = trace;
  return trace;
}

function traceFor(acc: Accumulator, state: TlcTraceState): TlcTraceState[] {
  const trace = acc.currentTrace;
  if (!trace || (trace.length > 0 && state.index <= trace[trace.length - 1].index)) return startTrace(acc);
  return trace;
}

function handleTopLevel(acc: Accumulator, message: TlcMessage): void {
  const { out } = acc;
  const { code, text } = message;

  const violation = violationOf(message);
  if (violation) {
    out.violations.push(violation);
    startTrace(acc);
    return;
  }

  switch (code) {
    case TlcCode.TLC_VERSION:
      out.tlcVersion = /Version (\S+)/.exec(text)?.[1] ?? text;
      return;
    case TlcCode.TLC_BEHAVIOR_UP_TO_THIS_POINT:
    case TlcCode.TLC_COUNTER_EXAMPLE:
      if (!acc.currentTrace || acc.currentTrace.length > 0) startTrace(acc);
      return;
    case TlcCode.TLC_STATE_PRINT1:
    case TlcCode.TLC_STATE_PRINT2: {
      const state = parseTraceStateText(text);
      if (!state) {
        out.warnings.push(`Could not read a trace state printed by TLC:\n${text}`);
        return;
      }
      traceFor(acc, state).push(state);
      for (const u of state.unreadable ?? []) {
        out.warnings.push(`State ${state.index}: the value of ${u.name} is left out: ${u.error}`);
      }
      return;
    }
    case TlcCode.TLC_STATE_PRINT3: {
      const trace = acc.currentTrace ?? startTrace(acc);
      trace.push(stutteringState(text, trace[trace.length - 1]));
      return;
    }
    case TlcCode.TLC_BACK_TO_STATE: {
      const trace = acc.currentTrace ?? startTrace(acc);
      const state = backToState(text, trace);
      if (state) trace.push(state);
      return;
    }
    case TlcCode.TLC_STARTING:
      out.startedAt = /\((.+)\)/.exec(text)?.[1];
      return;
    case TlcCode.TLC_FINISHED: {
      out.finished = true;
      const finished = parseFinished(text);
      if (finished.durationMs !== undefined) out.tlcDurationMs = finished.durationMs;
      if (finished.at !== undefined) out.finishedAt = finished.at;
      return;
    }
    case TlcCode.TLC_INIT_GENERATED1:
    case TlcCode.TLC_INIT_GENERATED2:
    case TlcCode.TLC_INIT_GENERATED3:
    case TlcCode.TLC_INIT_GENERATED4: {
      const count = findCount(text, "distinct states? generated");
      if (count !== undefined) out.initialStates = count;
      return;
    }
    case TlcCode.TLC_PROGRESS_STATS: {
      const progress = parseProgress(text);
      if (progress) out.progress.push(progress);
      return;
    }
    case TlcCode.TLC_STATS: {
      const stats = parseProgress(text);
      if (stats) {
        out.generatedStates = stats.generated;
        out.distinctStates = stats.distinct;
        out.statesLeftOnQueue = stats.queued;
      }
      return;
    }
    case TlcCode.TLC_SEARCH_DEPTH: {
      const depth = findCountAfter(text, "search is");
      if (depth !== undefined) out.depth = depth;
      return;
    }
    case TlcCode.TLC_SUCCESS:
      acc.success = true;
      return;
    case TlcCode.TLC_COVERAGE_START:
      acc.coverageDraft = [];
      return;
    case TlcCode.TLC_COVERAGE_INIT:
    case TlcCode.TLC_COVERAGE_NEXT: {
      const item = parseCoverageItem(text, code === TlcCode.TLC_COVERAGE_INIT);
      if (item) {
        acc.coverageDraft ??= [];
        acc.coverageDraft.push(item);
        out.coverage = acc.coverageDraft;
      }
      return;
    }
    case TlcCode.TLC_MODULE_OVERRIDE_STDOUT:
      out.printed.push(...text.split("\n"));
      return;
    case TlcCode.TLC_PARSING_FAILED:
    case TlcCode.TLC_PARSING_FAILED2:
      acc.sanyFailed = true;
      out.errors.push(text);
      return;
  }

  if (TRACE_FRAMING.has(code) || NEVER_A_PROBLEM.has(code)) return;
  if (message.severity === TlcSeverity.ERROR || message.severity === TlcSeverity.TLCBUG) out.errors.push(text);
  else if (message.severity === TlcSeverity.WARNING) out.warnings.push(text);
}

function decideOutcome(acc: Accumulator): TlcOutcome {
  const { out } = acc;
  if (acc.sanyFailed || out.sany.some((m) => m.severity === "error")) return "sany-error";
  if (out.violations.length > 0) return out.violations[0].kind;
  // An error report outweighs a success message: TLC can print both (for example an exception in a
  // worker), and a verdict of "ok" must never rest on a run that reported a problem.
  if (out.errors.length > 0) return "error";
  if (acc.success) return "ok";
  return "incomplete";
}

/** Parses everything TLC printed to stdout with `-tool` into one plain object. */
export function parseTlcOutput(text: string): TlcOutput {
  const out: TlcOutput = {
    messages: [],
    outcome: "incomplete",
    violations: [],
    progress: [],
    errors: [],
    warnings: [],
    sany: [],
    traces: [],
    printed: [],
    finished: false,
  };
  const acc: Accumulator = { out, sanyLines: [], success: false, sanyFailed: false };
  const events = scanFrames(text.replace(/\r\n?/g, "\n"));

  let inSany = false;
  for (const event of events) {
    if (event.kind === "text") {
      if (inSany) acc.sanyLines.push(...event.lines);
      else out.printed.push(...event.lines);
      continue;
    }
    const { message } = event;
    out.messages.push(message);
    // SANY prints plain text after "Starting SANY..." until the next message.
    inSany = message.code === TlcCode.TLC_SANY_START;
    if (message.depth === 0) handleTopLevel(acc, message);
  }

  out.sany = parseSanyReport(acc.sanyLines);
  const sanyErrors = out.sany.filter((m) => m.severity === "error").map(describeSany);
  const sanyWarnings = out.sany.filter((m) => m.severity === "warning").map(describeSany);
  out.errors = [...sanyErrors, ...out.errors];
  out.warnings = [...sanyWarnings, ...out.warnings];

  if (out.distinctStates === undefined && out.progress.length > 0) {
    const last = out.progress[out.progress.length - 1];
    out.generatedStates = last.generated;
    out.distinctStates = last.distinct;
    out.statesLeftOnQueue = last.queued;
  }
  out.traces = out.traces.filter((t) => t.length > 0);
  if (out.traces.length > 0) out.trace = out.traces[0];
  const invariant = out.violations.find((v) => v.kind === "invariant")?.name;
  if (invariant !== undefined) out.violatedInvariant = invariant;
  const property = out.violations.find((v) => v.kind === "property")?.name;
  if (property !== undefined) out.violatedProperty = property;
  out.outcome = decideOutcome(acc);
  return out;
}
