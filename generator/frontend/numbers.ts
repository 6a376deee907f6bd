/**
 * Numbers a spec may write. TLC's integers are 32-bit (it stops with "can't handle a number this big"
 * beyond 2^31 - 1, and with "can't handle real numbers" on 0.5), so every engine keeps to that range.
 */
import type { SourceLoc } from "../ir.ts";
import { fail } from "./errors.ts";

/** The largest integer TLC represents; the smallest it can be written as is its negation. */
export const MAX_INT = 2147483647;
export const MIN_INT = -2147483648;

/** A numeric literal as a TLC integer, or the error that says why it is not one. */
export function tlcInteger(value: number, loc: SourceLoc, text = String(value)): number {
  if (!Number.isInteger(value))
    return fail(loc, `${text} is not an integer`, "Specs compute with integers only (TLA+'s Integers module; TLC cannot handle real numbers): scale the value, e.g. count in halves.");
  if (Math.abs(value) > MAX_INT)
    return fail(loc, `${text} is beyond TLC's integer range (-${MAX_INT}..${MAX_INT})`, "TLC's integers are 32-bit: use a smaller value.");
  return value;
}
