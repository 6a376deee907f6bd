/**
 * Symmetry reduction over the packed layout (placeholder until the permutation tables are written).
 */
import type { Spec } from "../ir.ts";
import type { Layout } from "./layout.ts";
import { type ConcreteContext, PackedUnsupported } from "./types.ts";

export interface SymmetryInfo {
  domains: string[];
  permutations: number;
}

export function symmetryCode(spec: Spec, _cx: ConcreteContext, _layout: Layout): { code: string; info: SymmetryInfo } | null {
  const symmetric = spec.domains.filter((d) => d.symmetric);
  if (symmetric.length === 0) return null;
  throw new PackedUnsupported(spec.source, "symmetry reduction is not implemented yet");
}
