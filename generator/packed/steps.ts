/**
 * Step bodies → successor functions over the working form.
 *
 * The walk mirrors the reference generator's (generator/typescript/steps.ts) statement for
 * statement, so the two produce the same successors in the same order. Where the reference copies a
 * state before writing it, the compiled code writes the one working state in place and logs each
 * write (`wr`: slot and old value in U); every alternative (the step, an `either` branch, a `choose`
 * value) remembers where the log stood when it began and undoes back to there when it ends or a
 * `when` fails, so the next alternative starts from the same state. A `goto` sets pc and hands the
 * state to `emit(state, site, self)`: the site numbers the goto and says which step, process set,
 * `either` branches and `choose` values (left in P) the successor was reached by; the log says
 * which slots changed, so only their words need packing again.
 */
import type { LValue, Process, SourceLoc, Stmt } from "../ir.ts";
import { assignmentRun, containsCall, hasDirectAwait, hasNondeterminism } from "../ir-walk.ts";
import { type PathItem, armKey, endsStep } from "../branches.ts";
import { withFallThrough } from "../tla/translate.ts";
import { type Ctx, ExprCompiler } from "./expr.ts";
import { slotCount, type ProcessLayout } from "./layout.ts";
import type { Expr } from "../ir.ts";
import { type CType, describe, enumerate } from "./types.ts";
import { ANY_INT, type ET, type Off, type Place, type Sc, type V, addOff, offCode, paren, sc } from "./values.ts";

/** Where a successor comes from: the reference library's transition fields, statically known ones filled in. */
export interface EmitSite {
  /** Index in the step table (`StepInfo`). */
  step: number;
  /** The goto this successor leaves through. */
  loc: SourceLoc;
  /** The transition's params in the reference library's order: `either@line:col` → branch, or a `choose` value left in P. */
  params: ({ key: string; branch: number } | { key: string; slot: number; type: ET })[];
  /** The branches the path took (generator/branches.ts): arm keys, and `if`s told apart by a slot of `BR` in coverage mode. */
  path: PathItem[];
}

export interface StepInfo {
  label: string;
  processSet: string;
  loc: SourceLoc;
}

/** Lines of generated code with indentation. */
/**
 * The runtime's `wr(arr, at, value)` written out in place (a step has dozens of them, too many for
 * the JIT to inline them all): the slot and its old value go to the write log, then the value to the
 * slot. The slot and value are computed first, in that order, as the call would (the value may log a
 * write of its own: ci's out-of-range mark). A value the slot already holds is not logged: packing
 * and undoing then have one entry fewer to go through.
 */
export function loggedWrite(arr: string, at: string, value: string): string {
  const slot = /^\d+$/.test(at) ? at : "i_";
  const head = slot === at ? "" : `const i_ = ${at}; `;
  return `{ ${head}const v_ = ${value}; if (${arr}[${slot}] !== v_) { U[u] = ${slot}; U[u + 1] = ${arr}[${slot}]; u += 2; ${arr}[${slot}] = v_; } }`;
}

export class Lines {
  private readonly out: string[] = [];
  private depth = 0;

  line(text: string): void {
    this.out.push(`${"  ".repeat(this.depth)}${text}`);
  }

  block(head: string, body: () => void): void {
    this.line(head ? `${head} {` : "{");
    this.depth++;
    body();
    this.depth--;
    this.line("}");
  }

  ifElse(cond: string, then: () => void, otherwise: () => void): void {
    this.line(`if (${cond}) {`);
    this.depth++;
    then();
    this.depth--;
    this.line("} else {");
    this.depth++;
    otherwise();
    this.depth--;
    this.line("}");
  }

  text(): string {
    return this.out.join("\n");
  }
}

interface PathState {
  /** How a failed `when` leaves this alternative: `return`, `continue`, `break label`. */
  exit: string;
  /** The name of the log position this alternative undoes to. */
  mark: string;
  params: EmitSite["params"];
  /** The branches taken so far on this path. */
  arms: PathItem[];
  /** Code for each P slot at emission time. */
  pvals: string[];
  bound: Map<string, V>;
}

/**
 * Steps of a process set with at most this many identities are compiled once per identity (`self` a
 * constant); the others once for the set, `self` a parameter. One per identity makes a copy of the
 * code per process for the JIT to compile and optimize, and it does so again each time a copy first
 * meets a new path (md/raid5 small_free, 3 writers: 30 step functions against 16, and its first
 * 80,000 states about 15 % slower), for offsets that are a multiply-add away.
 */
const SPECIALIZE = 1;

export abstract class StepCompiler extends ExprCompiler {
  readonly emits: EmitSite[] = [];
  readonly steps: StepInfo[] = [];
  protected maxParams = 0;
  /** The most log entries (slot, old value) one step can write. */
  protected maxLog = 0;
  private labelCounter = 0;
  /** Coverage mode: `if`s whose arms share a continuation record the arm taken in `BR` (see PathItem). */
  protected coverage = false;
  /** The slots of `BR` used. */
  protected branchSlots = 0;

  /** The successor function of every process set: its code and the step functions it calls. */
  protected successorsCode(): string {
    const fns: string[] = [];
    const dispatch = new Lines();
    dispatch.block("function successors(S)", () => {
      dispatch.line("u = 0;");
      for (const [pi, p] of this.spec.processes.entries()) {
        const pl = this.layout.processes[pi];
        if (!pl) continue;
        const stepIndex = p.steps.map((step, i) => {
          this.steps.push({ label: step.label, processSet: p.name, loc: step.loc });
          return { step, index: this.steps.length - 1, next: p.steps[i + 1]?.label ?? "Done" };
        });
        const specialize = pl.ids.length <= SPECIALIZE;
        if (specialize) {
          pl.ids.forEach((id, i) => {
            const self = this.constOf(id, pl.idType);
            dispatch.block(`switch (S[${pl.pcOffset + i}])`, () => {
              for (const s of stepIndex) {
                const name = `st${s.index}_${s.step.label}_${i}`;
                fns.push(this.stepFunction(name, p, pl, s.step, s.index, s.next, self, false));
                dispatch.line(`case ${this.stringId(s.step.label)}: ${name}(S); break;`);
              }
            });
          });
        } else {
          const ids = this.constList(pl.ids.map((id) => this.rep(id)));
          dispatch.block(`for (let i = 0; i < ${pl.ids.length}; i++)`, () => {
            dispatch.line(`const self = ${ids}[i];`);
            dispatch.block(`switch (S[${pl.pcOffset} + i])`, () => {
              for (const s of stepIndex) {
                const name = `st${s.index}_${s.step.label}`;
                fns.push(this.stepFunction(name, p, pl, s.step, s.index, s.next, sc("self", pl.idType), true));
                dispatch.line(`case ${this.stringId(s.step.label)}: ${name}(S, self); break;`);
              }
            });
          });
        }
      }
    });
    return [...fns, dispatch.text()].join("\n\n");
  }

  private stepFunction(name: string, p: Process, pl: ProcessLayout, step: Process["steps"][number], index: number, next: string, self: Sc, selfParam: boolean): string {
    const w = new Lines();
    const body = withFallThrough(step.body, next, step.loc);
    w.block(`function ${name}(S${selfParam ? ", self" : ""})`, () => {
      w.line(`CS = ${index}; CSELF = ${self.code};`);
      w.line("const m0 = u;");
      this.labelCounter = 0;
      const path: PathState = { exit: "return", mark: "m0", params: [], arms: [], pvals: [], bound: new Map() };
      this.alternative(w, body, path, { p, pl, step, index, self });
    });
    const text = w.text();
    // Each write logs one entry; a range check can log the out-of-range mark (two more).
    this.maxLog = Math.max(this.maxLog, (text.match(/\bwr\(|\bU\[u\] = /g)?.length ?? 0) + 2 * (text.match(/\bcio?\(/g)?.length ?? 0));
    return `// ${step.label} (process ${p.name}${selfParam ? "" : ` ${self.code}`}), ${step.loc.file}:${step.loc.line}\n${text}`;
  }

  private ctxOf(path: PathState, fn: StepFn, loc: SourceLoc): Ctx {
    return { arr: "S", process: fn.pl, self: fn.self, bound: path.bound, where: { loc, context: `step ${fn.step.label}` } };
  }

  /** One alternative: its statements, then its writes undone (unless it ended by emitting, which undoes). */
  private alternative(w: Lines, stmts: Stmt[], path: PathState, fn: StepFn): void {
    if (!this.block(w, stmts, path, fn)) w.line(`undo(S, ${path.mark});`);
  }

  private leave(path: PathState): string {
    return `{ undo(S, ${path.mark}); ${path.exit}; }`;
  }

  /** Writes the statements; true when the path ended by emitting (and undoing its writes). */
  private block(w: Lines, stmts: Stmt[], path: PathState, fn: StepFn): boolean {
    for (let i = 0; i < stmts.length; i++) {
      const st = stmts[i];
      if (!st) continue;
      const rest = stmts.slice(i + 1);
      const ctx = this.ctxOf(path, fn, st.loc);
      switch (st.kind) {
        case "await": {
          const c = this.cond(st.cond, ctx);
          if (c.val === true) {
            path.arms.push(armKey("when", st.loc, "held"));
            break;
          }
          if (c.val === false) {
            w.line(this.leave(path));
            return true;
          }
          w.line(`if (!${paren(c.code)}) ${this.leave(path)}`);
          path.arms.push(armKey("when", st.loc, "held"));
          break;
        }
        case "assign": {
          const { group, last } = assignmentRun(stmts, i);
          i = last;
          this.assignments(w, group, ctx, fn);
          break;
        }
        case "goto": {
          const pos = this.position(fn.pl.idType, fn.self, ctx, "pc");
          const slot = typeof pos.val === "number" ? String(fn.pl.pcOffset + pos.val) : `${fn.pl.pcOffset} + ${paren(pos.code)}`;
          if (!fn.pl.labels.includes(st.label)) throw new Error(`goto ${st.label}: not a label of ${fn.p.name}`);
          w.line(loggedWrite("S", slot, String(this.stringId(st.label))));
          path.pvals.forEach((code, k) => w.line(`P[${k}] = ${code};`));
          this.maxParams = Math.max(this.maxParams, path.pvals.length);
          this.emits.push({ step: fn.index, loc: st.loc, params: path.params, path: [...path.arms] });
          w.line(`emit(S, ${this.emits.length - 1}, ${fn.self.code});`);
          w.line(`undo(S, ${path.mark});`);
          return true;
        }
        case "if": {
          const cond = this.cond(st.cond, ctx);
          const nondeterministic = hasNondeterminism([st]);
          const [thenStmts, elseStmts] = nondeterministic && rest.length ? [[...st.then, ...rest], [...st.else, ...rest]] : [st.then, st.else];
          // Both branches belong to this alternative: they write the same state and share its mark.
          let ended = true;
          // The arms' paths go on past the if when they do not end the step: coverage then needs to know the arm taken.
          const shared = !(endsStep(thenStmts) && endsStep(elseStmts));
          const slot = shared && cond.val === undefined ? this.branchSlots++ : -1;
          const items: Record<"then" | "else", PathItem[]> = { then: [armKey("if", st.loc, "then")], else: [armKey("if", st.loc, "else")] };
          const branch = (stmtsOf: Stmt[], arm: "then" | "else") => {
            if (this.coverage && slot >= 0 && arm === "then") w.line(`BR[${slot}] = 1;`);
            const sub: PathState = { ...path, bound: new Map(path.bound), pvals: [...path.pvals], params: [...path.params], arms: [...path.arms, armKey("if", st.loc, arm)] };
            if (!this.block(w, stmtsOf, sub, fn)) ended = false;
            items[arm] = sub.arms.slice(path.arms.length);
          };
          if (this.coverage && slot >= 0) w.line(`BR[${slot}] = 0;`);
          if (cond.val !== undefined) {
            // Known while compiling (a configuration constant): only the branch taken is generated.
            const taken = cond.val ? thenStmts : elseStmts;
            w.block("", () => branch(taken, cond.val ? "then" : "else"));
            if (shared) path.arms.push(...items[cond.val ? "then" : "else"]);
          } else {
            if (elseStmts.length) w.ifElse(cond.code, () => branch(thenStmts, "then"), () => branch(elseStmts, "else"));
            else {
              w.block(`if (${cond.code})`, () => branch(thenStmts, "then"));
              ended = false;
            }
            if (shared) path.arms.push({ slot, then: items.then, else: items.else });
          }
          if (nondeterministic && rest.length) return ended;
          break;
        }
        case "either": {
          const key = `either@${st.loc.line}:${st.loc.column}`;
          st.branches.forEach((branch, j) => {
            const body = [...branch, ...rest];
            const label = hasDirectAwait(body) ? `b${++this.labelCounter}` : null;
            w.line(`// either, branch ${j + 1} of ${st.branches.length} (${st.loc.file}:${st.loc.line})`);
            const mark = `m${++this.temp}`;
            w.block(label ? `${label}:` : "", () => {
              w.line(`const ${mark} = u;`);
              this.alternative(
                w,
                body,
                { exit: label ? `break ${label}` : path.exit, mark, params: [...path.params, { key, branch: j }], arms: [...path.arms, armKey("either", st.loc, j)], pvals: [...path.pvals], bound: new Map(path.bound) },
                fn,
              );
            });
          });
          return false;
        }
        case "choose": {
          const loopVar = `c${++this.temp}`;
          this.chooseLoop(w, st.set, ctx, loopVar, (elem, guard) => {
            if (guard) w.line(`if (!${paren(guard)}) continue;`);
            const bound = new Map(path.bound).set(st.name, elem);
            const slot = path.pvals.length;
            const mark = `m${++this.temp}`;
            w.line(`const ${mark} = u;`);
            this.alternative(w, [...st.body, ...rest], { exit: "continue", mark, params: [...path.params, { key: st.name, slot, type: elem.type }], arms: [...path.arms], pvals: [...path.pvals, elem.code], bound }, fn);
          });
          return false;
        }
        case "let": {
          const v = this.expr(st.value, ctx);
          const name = `l${++this.temp}`;
          if (v.k === "sc") {
            const t = v.bit ? this.truth(v) : v;
            if (t.val !== undefined) path.bound.set(st.name, t);
            else {
              w.line(`const ${name} = ${t.code};`);
              path.bound.set(st.name, sc(name, t.type));
            }
          } else {
            // A compound value is copied out: later writes to the working copy must not change it.
            const n = slotCount(v.type, this.spec.source);
            this.decls.push(`const ${name} = new Int32Array(${n + 2});`);
            // Its integers are checked where it is stored, as the reference library's would be.
            for (let k = 0; k < n; k++) w.line(`${name}[${k}] = ${this.slotCode(this.scalarAt(v, k, ctx), this.typeAt(v.type, k), name, ctx, st.name, false)};`);
            const place: Place = { k: "place", arr: name, off: { c: 0, d: [] }, type: v.type, name: st.name, loose: true };
            path.bound.set(st.name, place);
          }
          return this.block(w, [...st.body, ...rest], path, fn);
        }
      }
    }
    return false;
  }

  /**
   * Writes a loop over the elements of a set in the reference library's order and calls `body` inside
   * it with the element (and a condition that must hold for it to be in the set).
   */
  protected chooseLoop(w: Lines, set: Expr, ctx: Ctx, v: string, body: (elem: Sc, guard: string | null) => void): void {
    switch (set.kind) {
      case "domain":
      case "typeSet": {
        const t = this.ctype(this.elementType(set, ctx), ctx, "the set");
        this.loopOverType(w, t, v, (elem) => body(elem, null));
        return;
      }
      case "range": {
        const lo = this.scalar(set.lo, ctx);
        const hi = this.scalar(set.hi, ctx);
        const t = this.elementType(set, ctx);
        const a = lo.val !== undefined ? lo.code : `${v}lo`;
        const b = hi.val !== undefined ? hi.code : `${v}hi`;
        if (lo.val === undefined) w.line(`const ${a} = ${lo.code};`);
        if (hi.val === undefined) w.line(`const ${b} = ${hi.code};`);
        w.block(`for (let ${v} = ${a}; ${v} <= ${b}; ${v}++)`, () => body(sc(v, t.kind === "int" ? t : ANY_INT), null));
        return;
      }
      case "filter": {
        this.chooseLoop(w, set.set, ctx, v, (elem, guard) => {
          const c = this.truth(this.scalar(set.body, { ...ctx, bound: new Map([...ctx.bound, [set.name, elem]]) }));
          if (c.val === false) {
            w.line("continue;");
            return;
          }
          const parts = [guard, c.val === true ? null : c.code].filter((x): x is string => x !== null);
          body(elem, parts.length ? parts.map(paren).join(" && ") : null);
        });
        return;
      }
      case "setOf": {
        const elems = set.elements.map((x) => this.scalar(x, ctx));
        const type = this.elementType(set, ctx);
        if (elems.every((x) => x.val !== undefined)) {
          const members = this.members(set, ctx);
          const list = this.constList(members.map((m) => m.elem.val as number | boolean));
          w.block(`for (const ${v} of ${list})`, () => body(sc(v, type), null));
          return;
        }
        // Booleans come out of sortedUnique as 0/1.
        w.block(`for (const ${v} of sortedUnique([${elems.map((x) => this.truth(x).code).join(", ")}]))`, () => body(sc(v, type, type.kind === "bool" ? { bit: true } : {}), null));
        return;
      }
      default: {
        const s = this.setValue(set, ctx);
        if (s.type.kind !== "set") return this.unsupported(ctx, "choose over a value that is not a set");
        const t = s.type.element;
        const m = `${v}m`;
        w.line(`const ${m} = ${s.code};`);
        const values = this.constList(enumerate(t, this.spec.source).map((x) => this.rep(x)));
        w.block(`for (let ${v}i = 0; ${v}i < ${values}.length; ${v}i++)`, () => {
          w.line(`if (((${m} >>> ${v}i) & 1) === 0) continue;`);
          w.line(`const ${v} = ${values}[${v}i];`);
          body(sc(v, t), null);
        });
      }
    }
  }

  private loopOverType(w: Lines, t: CType, v: string, body: (elem: Sc) => void): void {
    if (t.kind === "int") {
      w.block(`for (let ${v} = ${t.lo}; ${v} <= ${t.hi}; ${v}++)`, () => body(sc(v, t)));
      return;
    }
    const values = enumerate(t, this.spec.source).map((x) => this.rep(x));
    const list = this.constList(values);
    w.block(`for (const ${v} of ${list})`, () => body(sc(v, t)));
  }

  /**
   * One update of a variable from consecutive assignments, as the reference library does it: when a
   * later one could read the variable through a helper, every value and key is computed first.
   */
  private assignments(w: Lines, group: Extract<Stmt, { kind: "assign" }>[], ctx: Ctx, fn: StepFn): void {
    const pre = group.length > 1 && group.slice(1).some(containsCall);
    const prepared = group.map((g) => {
      const gctx: Ctx = { ...ctx, where: { ...ctx.where, loc: g.loc } };
      const target = this.target(g.target, gctx, fn, pre ? w : null);
      const value = this.expr(g.value, gctx, target.type);
      return { g, gctx, target, value: pre ? this.materialize(w, value, target.type, gctx, target.name) : value };
    });
    for (const { gctx, target, value } of prepared) this.store(w, target, value, gctx, true);
  }

  /** The place an assignment writes (its keys computed now). */
  private target(lv: LValue, ctx: Ctx, fn: StepFn, hoist: Lines | null): Place | (Place & { scalar: true }) {
    let type: CType;
    let off: Off;
    let name = lv.name;
    if (lv.scope === "var") {
      const v = this.layout.variables.find((x) => x.name === lv.name) ?? this.unsupported(ctx, `unknown variable ${lv.name}`);
      type = v.type;
      off = { c: v.offset, d: [] };
    } else {
      const l = fn.pl.locals.find((x) => x.name === lv.name) ?? this.unsupported(ctx, `unknown local ${lv.name}`);
      const pos = this.position(fn.pl.idType, fn.self, ctx, lv.name);
      type = l.type;
      off = typeof pos.val === "number" ? { c: l.offset + pos.val * l.stride, d: [] } : addOff({ c: l.offset, d: [] }, 0, l.stride === 1 ? paren(pos.code) : `${paren(pos.code)} * ${l.stride}`);
      name = `${lv.name}[self]`;
    }
    for (const seg of lv.path) {
      if (seg.kind === "index") {
        if (type.kind !== "map") return this.unsupported(ctx, `indexing ${name}, which is not a map`);
        const k = this.scalar(seg.index, ctx);
        const pos = this.position(type.key, k, ctx, name);
        const stride = slotCount(type.value, this.spec.source);
        if (typeof pos.val === "number") off = addOff(off, pos.val * stride);
        else {
          let code = stride === 1 ? paren(pos.code) : `${paren(pos.code)} * ${stride}`;
          if (hoist) {
            const t = `k${++this.temp}`;
            hoist.line(`const ${t} = ${code};`);
            code = t;
          }
          off = addOff(off, 0, code);
        }
        type = type.value;
        name = `${name}[${typeof k.val === "number" && k.type.kind === "int" ? k.val : "…"}]`;
      } else if (seg.kind === "at") {
        return this.unsupported(ctx, `a position of ${name} (sequences are not compiled)`);
      } else {
        if (type.kind !== "record") return this.unsupported(ctx, `field ${seg.field} of ${name}, which is not a record`);
        let at = 0;
        let found: CType | null = null;
        for (const f of type.fields) {
          if (f.name === seg.field) {
            found = f.type;
            break;
          }
          at += slotCount(f.type, this.spec.source);
        }
        if (!found) return this.unsupported(ctx, `${name} has no field ${seg.field}`);
        off = addOff(off, at);
        type = found;
        name = `${name}.${seg.field}`;
      }
    }
    return { k: "place", arr: ctx.arr, off, type, name };
  }

  /** A value computed into temporaries now (for updates whose later parts read the variable). */
  private materialize(w: Lines, v: V, type: CType, ctx: Ctx, name: string): V {
    const n = slotCount(type, this.spec.source);
    if (v.k === "sc" && n === 1) {
      const t = `v${++this.temp}`;
      w.line(`const ${t} = ${this.slotCode(v, type, ctx.arr, ctx, name)};`);
      return sc(t, type, type.kind === "bool" ? { bit: true } : {});
    }
    const arr = `M${++this.temp}`;
    this.decls.push(`const ${arr} = new Int32Array(${n + 2});`);
    for (let k = 0; k < n; k++) w.line(`${arr}[${k}] = ${this.slotCode(this.scalarAt(v, k, ctx), this.typeAt(type, k), ctx.arr, ctx, name)};`);
    return { k: "place", arr, off: { c: 0, d: [] }, type, name };
  }

  /** Writes a value into a place, slot by slot (all slots computed before any is written), logged or not. */
  protected store(w: Lines, target: Place, v: V, ctx: Ctx, logged: boolean): void {
    const n = slotCount(target.type, this.spec.source);
    if (n > 4096) this.unsupported(ctx, `assigning ${target.name}, a value of ${n} slots`);
    const put = (at: string, value: string) => w.line(logged ? loggedWrite(target.arr, at, value) : `${target.arr}[${at}] = ${value};`);
    if (n === 1 && target.type.kind !== "map" && target.type.kind !== "record") {
      const value = v.k === "sc" ? v : this.scalarAt(v, 0, ctx);
      put(offCode(target.off), this.slotCode(value, target.type, target.arr, ctx, target.name));
      return;
    }
    if (v.k === "sc") return this.unsupported(ctx, `assigning a single value to ${target.name}, a ${describe(target.type)}`);
    const codes: string[] = [];
    for (let k = 0; k < n; k++) codes.push(this.slotCode(this.scalarAt(v, k, ctx), this.typeAt(target.type, k), target.arr, ctx, target.name));
    const dyn = target.off.d.length ? `o${++this.temp}` : null;
    if (dyn) w.line(`const ${dyn} = ${offCode({ c: 0, d: target.off.d })};`);
    const at = (k: number) => (dyn ? `${dyn} + ${target.off.c + k}` : String(target.off.c + k));
    if (n === 1) {
      put(at(0), codes[0] ?? "0");
      return;
    }
    const temps = codes.map((c) => {
      if (/^(?:-?\d+|NONE)$/.test(c)) return c;
      const t = `v${++this.temp}`;
      w.line(`const ${t} = ${c};`);
      return t;
    });
    temps.forEach((t, k) => put(at(k), t));
  }

  /** The initial state: every variable at its initial value, every process at its first step. */
  protected initCode(): string {
    const w = new Lines();
    w.block("function init(D)", () => {
      w.line("D.fill(0);");
      w.line("CS = -1; CSELF = 0;");
      for (const v of this.spec.variables) {
        const place = this.layout.variables.find((x) => x.name === v.name);
        if (!place) continue;
        const ctx: Ctx = { arr: "D", process: null, self: null, bound: new Map(), where: { loc: v.loc, context: "the initial state" } };
        const target: Place = { k: "place", arr: "D", off: { c: place.offset, d: [] }, type: place.type, name: v.name };
        this.store(w, target, this.expr(v.init, ctx, place.type), ctx, false);
      }
      for (const [pi, p] of this.spec.processes.entries()) {
        const pl = this.layout.processes[pi];
        if (!pl) continue;
        for (const l of p.locals) {
          const place = pl.locals.find((x) => x.name === l.name);
          if (!place) continue;
          pl.ids.forEach((id, i) => {
            const self = this.constOf(id, pl.idType);
            const ctx: Ctx = { arr: "D", process: pl, self, bound: new Map([["self", self]]), where: { loc: l.loc, context: "the initial state" } };
            const target: Place = { k: "place", arr: "D", off: { c: place.offset + i * place.stride, d: [] }, type: place.type, name: `${l.name}[${String(id)}]` };
            this.store(w, target, this.expr(l.init, ctx, place.type), ctx, false);
          });
        }
        const first = p.steps[0]?.label ?? "Done";
        pl.ids.forEach((_, i) => w.line(`D[${pl.pcOffset + i}] = ${this.stringId(first)};`));
      }
      w.line("u = 0;");
    });
    return w.text();
  }
}

interface StepFn {
  p: Process;
  pl: ProcessLayout;
  step: Process["steps"][number];
  index: number;
  self: Sc;
}
