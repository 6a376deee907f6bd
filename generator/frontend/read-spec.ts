/**
 * A spec module's top level → IR: constants, domains, literals, helpers, then the `spec(…)` chain
 * (state, processes, invariants, configurations, variants).
 */
import { type ArrowFunction, type CallExpression, type FunctionExpression, Node, type ObjectLiteralExpression, type SourceFile, SyntaxKind } from "ts-morph";
import type { Action, Config, Constant, Definition, Expr, Fairness, Invariant, Procedure, Process, Property, SourceLoc, Spec, Step, Value, Variable, Variant } from "../ir.ts";
import { type ModuleSymbols, type Scope, docOf, dslCallee, locOf } from "./context.ts";
import { fail } from "./errors.ts";
import { lambdaResult, readExpr, readInitValue } from "./read-expr.ts";
import { readStatements } from "./read-stmt.ts";
import { readProperty } from "./read-temporal.ts";
import { readType } from "./read-type.ts";
import { tlcInteger } from "./numbers.ts";
import { moduleNameProblem } from "../tla/reserved.ts";

const dslModule = /(^|\/)dsl(\/index(\.ts|\.js)?)?$|^raidspec\/dsl$/;

export function readSpec(source: SourceFile, file: string): Spec {
  const symbols = collectSymbols(source, file);
  const chain = specChain(symbols);
  const [start, ...calls] = chain;
  if (!start) throw new Error("unreachable");
  const startArgs = start.getArguments();
  const nameArg = startArgs[0];
  if (!nameArg || !Node.isStringLiteral(nameArg))
    return fail(locOf(symbols, start), "spec(…) needs the module name as a string literal first", "Write spec(\"MyModule\", { state, init }).");
  const name = nameArg.getLiteralValue();
  const badName = moduleNameProblem(name);
  if (badName) return fail(locOf(symbols, nameArg), `The spec name "${name}" ${badName}`, "Rename the spec: its name is the name of the TLA+ module.");
  const def = objectArg(symbols, start, 1, "spec(…)");
  const methodOf = (call: CallExpression) => {
    const callee = call.getExpression();
    return Node.isPropertyAccessExpression(callee) ? callee.getName() : "";
  };
  // With .initially(…), a variable or local without an init value ranges over its whole domain.
  const initiallyCalls = calls.filter((c) => methodOf(c) === "initially");
  symbols.freeInit = initiallyCalls.length > 0;
  const variables = readVariables(symbols, def);
  const varNames = new Set(variables.map((v) => v.name));
  // Helpers may read every process's locals as maps (as invariants do): their names come first.
  const localNames = new Set(
    calls
      .filter((c) => methodOf(c) === "process")
      .flatMap((c) => {
        const def = c.getArguments()[2];
        const locals = def && Node.isObjectLiteralExpression(def) ? def.getProperty("locals") : undefined;
        return locals && Node.isPropertyAssignment(locals) ? resolveObject(symbols, locals.getInitializerOrThrow()).getProperties().map((p) => (Node.isPropertyAssignment(p) ? p.getName() : "")) : [];
      })
      .filter((n) => n !== ""),
  );
  readHelpers(symbols, varNames, localNames);
  readMacros(symbols, varNames, localNames);

  const processes: Process[] = [];
  const properties: Property[] = [];
  const procedures: Procedure[] = [];
  // Invariants can read every process's locals, so they are read once every process is known.
  const invariantCalls: { call: CallExpression; doc?: string }[] = [];
  const constraintCalls: { call: CallExpression; doc?: string }[] = [];
  const reachableCalls: { call: CallExpression; doc?: string }[] = [];
  const actionCalls: { call: CallExpression; doc?: string }[] = [];
  const configs: Config[] = [];
  const variantSteps = new Map<string, { doc?: string; loc: Config["loc"]; byProcess: Map<string, { steps: Step[]; fair?: Fairness }> }>();
  for (const call of calls) {
    const callee = call.getExpression();
    const method = Node.isPropertyAccessExpression(callee) ? callee.getName() : "";
    const doc = docBefore(call);
    if (method === "process") processes.push(readProcess(symbols, call, varNames, doc));
    else if (method === "procedure") procedures.push(readProcedure(symbols, call, varNames, doc));
    else if (method === "invariant") invariantCalls.push({ call, doc });
    else if (method === "constraint") constraintCalls.push({ call, doc });
    else if (method === "reachable") reachableCalls.push({ call, doc });
    else if (method === "action") actionCalls.push({ call, doc });
    else if (method === "initially") {
      if (call !== initiallyCalls[0]) return fail(callLoc(symbols, call), "The spec has more than one .initially(…)", "Give the initial states by one predicate (join them with &&).");
    }
    else if (method === "property") properties.push(readProperty(symbols, call, varNames, doc));
    else if (method === "config") configs.push(readConfig(symbols, call, doc));
    else if (method === "variant") {
      const vname = stringArg(symbols, call, 0, "variant(…)");
      const pname = stringArg(symbols, call, 1, "variant(…)");
      const body = objectArg(symbols, call, 2, "variant(…)");
      const proc = processes.find((p) => p.name === pname);
      if (!proc) return fail(callLoc(symbols, call), `variant "${vname}" names no process "${pname}"`, "Declare the process before its variants.");
      const entry = variantSteps.get(vname) ?? { loc: callLoc(symbols, call), byProcess: new Map<string, { steps: Step[]; fair?: Fairness }>() };
      if (entry.byProcess.has(pname))
        return fail(callLoc(symbols, call), `variant "${vname}" changes process "${pname}" twice`, "Give each variant one .variant(…) call per process, with all the steps it changes.");
      entry.doc ??= optionalString(symbols, body, "doc");
      const scope = processScope(proc, varNames);
      const steps = body.getProperty("steps") ? readSteps(symbols, property(symbols, body, "steps"), scope) : [];
      const fair = fairness(symbols, body, ["weak", "strong", "none"]);
      entry.byProcess.set(pname, { steps, ...(fair ? { fair } : {}) });
      variantSteps.set(vname, entry);
    } else return fail(callLoc(symbols, call), `Unknown spec method .${method}(…)`);
  }
  const allLocals = new Set(processes.flatMap((p) => p.locals.map((l) => l.name)));
  const invariants = invariantCalls.map(({ call, doc }) => readInvariant(symbols, call, varNames, allLocals, doc));
  const reachables = reachableCalls.map(({ call, doc }) => readInvariant(symbols, call, varNames, allLocals, doc, "reachable"));
  const constraints = constraintCalls.map(({ call, doc }) => {
    const name = stringArg(symbols, call, 0, "constraint(…)");
    return { name, ...readPredicate(symbols, call, `Constraint "${name}"`, varNames, allLocals, doc, 1) };
  });
  const actions = actionCalls.map(({ call, doc }) => readAction(symbols, call, varNames, allLocals, doc));
  const initiallyCall = initiallyCalls[0];
  const initially = initiallyCall ? readPredicate(symbols, initiallyCall, "initially", varNames, allLocals, docBefore(initiallyCall)) : undefined;
  const variants: Variant[] = [...variantSteps].map(([vname, v]) => ({
    name: vname,
    doc: v.doc,
    loc: v.loc,
    processes: [...v.byProcess].map(([pname, { steps, fair }]) => {
      const base = processes.find((p) => p.name === pname);
      if (!base) throw new Error("unreachable");
      return { process: pname, steps: mergeSteps(base.steps, steps), ...(fair ? { fair } : {}) };
    }),
  }));
  return {
    name,
    doc: optionalString(symbols, def, "doc") ?? docOf(source.getStatements()[0] ?? source),
    source: file,
    loc: locOf(symbols, nameArg),
    baseVariant: optionalString(symbols, def, "base"),
    constants: [...symbols.constants.values()],
    domains: [...symbols.domains.values()],
    variables,
    definitions: [...symbols.definitions.values()],
    macros: [...symbols.macros.values()],
    processes,
    procedures,
    actions,
    invariants,
    properties,
    ...(reachables.length ? { reachables } : {}),
    constraints,
    ...(initially ? { initially: { body: initially.body, doc: initially.doc, loc: initially.loc } } : {}),
    configs,
    variants,
  };
}

/** Overrides replace the step with the same label; a new label goes after the override before it. */
function mergeSteps(base: Step[], overrides: Step[]): Step[] {
  const steps = [...base];
  let cursor = -1;
  for (const step of overrides) {
    const at = steps.findIndex((s) => s.label === step.label);
    if (at >= 0) {
      steps[at] = step;
      cursor = at;
    } else {
      steps.splice(cursor + 1, 0, step);
      cursor += 1;
    }
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// Top-level names

function collectSymbols(source: SourceFile, file: string): ModuleSymbols {
  const symbols: ModuleSymbols = {
    file,
    source,
    dslNames: new Map(),
    dslNamespaces: new Set(),
    constants: new Map(),
    domains: new Map(),
    literals: new Map(),
    definitions: new Map(),
    modelValues: new Set(),
    macros: new Map(),
  };
  for (const imp of source.getImportDeclarations()) {
    if (!dslModule.test(imp.getModuleSpecifierValue())) continue;
    const ns = imp.getNamespaceImport();
    if (ns) symbols.dslNamespaces.add(ns.getText());
    for (const named of imp.getNamedImports()) symbols.dslNames.set(named.getAliasNode()?.getText() ?? named.getName(), named.getName());
  }
  // Model values first: a string literal anywhere that names one is that value.
  for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression))
    if (dslCallee(symbols, call) === "modelValues") for (const a of call.getArguments()) if (Node.isStringLiteral(a)) symbols.modelValues.add(a.getLiteralValue());
  for (const stmt of source.getVariableStatements()) {
    for (const decl of stmt.getDeclarations()) {
      const init = decl.getInitializer();
      if (!init || !Node.isIdentifier(decl.getNameNode())) continue;
      const name = decl.getName();
      const loc = locOf(symbols, decl);
      const doc = docOf(stmt);
      const callee = dslCallee(symbols, init);
      if (callee === "constant" && Node.isCallExpression(init)) {
        const type = readType(symbols, init.getArguments()[0] ?? fail(loc, "constant(…) needs its domain"));
        const constant: Constant = { name, type, doc, loc };
        symbols.constants.set(name, constant);
      } else if (callee === "helper" || callee === "macro") {
        // read once the state variables are known
      } else if (callee === "symmetric" && Node.isCallExpression(init)) {
        const inner = init.getArguments()[0] ?? fail(loc, "symmetric(…) needs a domain");
        if (init.getArguments().length !== 1) fail(loc, "symmetric(…) takes one domain");
        symbols.domains.set(name, { name, type: readType(symbols, inner), symmetric: true, doc, loc });
      } else if (isDomainExpr(symbols, init)) {
        symbols.domains.set(name, { name, type: readType(symbols, init), doc, loc });
      } else if (isLiteral(init, symbols)) {
        symbols.literals.set(name, readExpr(symbols, { locals: new Set(), variables: new Set(), bound: new Set() }, init));
      }
    }
  }
  return symbols;
}

function isDomainExpr(symbols: ModuleSymbols, node: Node): boolean {
  const callee = dslCallee(symbols, node);
  if (callee && ["range", "enumOf", "modelValues", "mapOf", "setOf", "record", "optional", "seqOf", "tupleOf"].includes(callee)) return true;
  return Node.isIdentifier(node) && symbols.dslNames.get(node.getText()) === "bool";
}

/** A constant value written out: a number, string or boolean, or a record or tuple of such values. */
function isLiteral(node: Node, symbols: ModuleSymbols): boolean {
  if (Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isParenthesizedExpression(node)) return isLiteral(node.getExpression(), symbols);
  if (Node.isNumericLiteral(node) || Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return true;
  if (Node.isTrueLiteral(node) || Node.isFalseLiteral(node) || Node.isNullLiteral(node)) return true;
  if (Node.isIdentifier(node)) return symbols.literals.has(node.getText());
  if (Node.isObjectLiteralExpression(node))
    return node.getProperties().every((p) => Node.isPropertyAssignment(p) && isLiteral(p.getInitializerOrThrow(), symbols));
  if (Node.isArrayLiteralExpression(node)) return node.getElements().every((e) => isLiteral(e, symbols));
  return Node.isPrefixUnaryExpression(node) && Node.isNumericLiteral(node.getOperand());
}

/** The top-level `const name = wrapper((…) => …)` declarations of a DSL wrapper (helper, macro), with their functions. */
function wrapped(symbols: ModuleSymbols, wrapper: string, hint: string): { name: string; fn: ArrowFunction | FunctionExpression; doc?: string; loc: SourceLoc }[] {
  const out: { name: string; fn: ArrowFunction | FunctionExpression; doc?: string; loc: SourceLoc }[] = [];
  for (const stmt of symbols.source.getVariableStatements()) {
    for (const decl of stmt.getDeclarations()) {
      const init = decl.getInitializer();
      if (!init || dslCallee(symbols, init) !== wrapper || !Node.isCallExpression(init)) continue;
      const fn = init.getArguments()[0];
      const loc = locOf(symbols, decl);
      if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn))) return fail(loc, `${wrapper}(…) takes an arrow function`, hint);
      out.push({ name: decl.getName(), fn, doc: docOf(stmt), loc });
    }
  }
  return out;
}

function readHelpers(symbols: ModuleSymbols, variables: ReadonlySet<string>, allLocals: ReadonlySet<string>): void {
  for (const { name, fn, doc, loc } of wrapped(symbols, "helper", "Write helper((s: S, x: number) => …), or helper((x: number) => …) for one that reads no state.")) {
    const parameters = fn.getParameters();
    // The first parameter is the state when its type has every state variable; else the helper is pure.
    const first = parameters[0];
    const readsState = first !== undefined && variables.size > 0 && [...variables].every((v) => first.getType().getProperty(v) !== undefined);
    const names = parameters.map((p) => p.getName());
    const stateParam = readsState ? names[0] : undefined;
    const params = readsState ? names.slice(1) : names;
    const scope: Scope = { state: stateParam, locals: new Set(), variables, allLocals, bound: new Set(params) };
    const body = readExpr(symbols, scope, lambdaResult(symbols, fn));
    const def: Definition = { name, params, body, ...(readsState ? {} : { pure: true }), doc, loc };
    symbols.definitions.set(def.name, def);
  }
}

/**
 * Macros read as PlusCal expands them, as text in the step that calls them: `s.x` is a state variable
 * or a local of the calling process (any process's local names here; the call checks its own).
 */
function readMacros(symbols: ModuleSymbols, variables: ReadonlySet<string>, locals: ReadonlySet<string>): void {
  for (const { name, fn, doc, loc } of wrapped(symbols, "macro", "Write macro((s: S, p: P) => { … }).")) {
    const [stateParam, ...params] = fn.getParameters().map((p) => p.getName());
    if (!stateParam) return fail(loc, "A macro's first parameter is the state");
    const body = fn.getBody();
    const scope: Scope = { state: stateParam, locals, variables, bound: new Set(params) };
    const stmts = Node.isBlock(body) ? readStatements(symbols, scope, body.getStatements()) : fail(locOf(symbols, body), "A macro's body is a block { … }");
    symbols.macros.set(name, { name, params, body: stmts, doc, loc });
  }
}

/** The calls of `export default spec(…).process(…)…`, innermost (spec) first. */
function specChain(symbols: ModuleSymbols): CallExpression[] {
  const exported = symbols.source.getExportAssignments().find((e) => !e.isExportEquals());
  if (!exported)
    return fail(locOf(symbols, symbols.source), "The spec module has no default export", "End the module with export default spec(\"Name\", { … }).process(…)…;");
  const chain: CallExpression[] = [];
  let node: Node = exported.getExpression();
  while (Node.isCallExpression(node)) {
    chain.unshift(node);
    if (dslCallee(symbols, node) === "spec") return chain;
    const callee = node.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) break;
    node = callee.getExpression();
  }
  return fail(locOf(symbols, exported), "The default export must be a spec(…) chain", "Write export default spec(\"Name\", { state, init }).process(…)…;");
}

// ---------------------------------------------------------------------------------------------
// Parts of the chain

function readVariables(symbols: ModuleSymbols, def: ObjectLiteralExpression): Variable[] {
  const schema = resolveObject(symbols, property(symbols, def, "state"));
  const init = optionalObject(symbols, def, "init");
  return readSchema(symbols, schema, init, { locals: new Set(), variables: new Set(), bound: new Set() }, "init");
}

function readSchema(
  symbols: ModuleSymbols,
  schema: ObjectLiteralExpression,
  init: ObjectLiteralExpression | undefined,
  scope: Scope,
  where: string,
  /** The init object also gives values to names of another schema (a procedure's params and locals share one). */
  shared = false,
): Variable[] {
  for (const p of shared ? [] : (init?.getProperties() ?? [])) {
    const name = Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p) ? p.getName() : undefined;
    if (!name || !schema.getProperty(name)) return fail(locOf(symbols, p), `${where} gives a value to \`${name ?? p.getText()}\`, which is not declared`, "Declare it next to the others, or remove it.");
  }
  return schema.getProperties().map((p) => {
    if (!Node.isPropertyAssignment(p)) return fail(locOf(symbols, p), "Declare each variable as name: domain");
    const name = p.getName();
    const type = readType(symbols, p.getInitializerOrThrow());
    const value = init?.getProperty(name);
    const base = { name, type, doc: docOf(p), loc: locOf(symbols, p) };
    if (!value && symbols.freeInit) return { ...base, init: { kind: "anyOf", set: { kind: "typeSet", type } } };
    if (!value || !Node.isPropertyAssignment(value))
      return fail(locOf(symbols, p), `Variable \`${name}\` has no initial value`, `Add ${name}: … to ${where} (anyOf(S) for any value of S), or give the initial states with .initially(…).`);
    return { ...base, init: readInitValue(symbols, scope, value.getInitializerOrThrow()) };
  });
}

function processScope(proc: Process, variables: ReadonlySet<string>): Omit<Scope, "state" | "self"> {
  return { locals: new Set(proc.locals.map((l) => l.name)), variables, bound: new Set() };
}

function readProcess(symbols: ModuleSymbols, call: CallExpression, variables: ReadonlySet<string>, doc?: string): Process {
  const name = stringArg(symbols, call, 0, "process(…)");
  const over = call.getArguments()[1];
  if (!over || !Node.isIdentifier(over) || !symbols.domains.has(over.getText()))
    return fail(locOf(symbols, over ?? call), "A process runs over a named domain", "Declare const Procs = range(…) at the top level and pass Procs.");
  const def = objectArg(symbols, call, 2, "process(…)");
  const localsNode = def.getProperty("locals");
  const locals =
    localsNode && Node.isPropertyAssignment(localsNode)
      ? readSchema(
          symbols,
          resolveObject(symbols, localsNode.getInitializerOrThrow()),
          optionalObject(symbols, def, "init"),
          { locals: new Set(), variables: new Set(), bound: new Set() },
          `process ${name}'s init`,
        )
      : [];
  const fair = fairness(symbols, def, ["weak", "strong", "none"]);
  const proc: Process = { name, over: over.getText(), locals, steps: [], ...(fair && fair !== "none" ? { fair } : {}), doc: optionalString(symbols, def, "doc") ?? doc, loc: callLoc(symbols, call) };
  proc.steps = readSteps(symbols, property(symbols, def, "steps"), processScope(proc, variables));
  return proc;
}

function readSteps(symbols: ModuleSymbols, node: Node, scope: Omit<Scope, "state" | "self">): Step[] {
  const steps = resolveObject(symbols, node);
  return steps.getProperties().map((p) => {
    const label = Node.isMethodDeclaration(p) || Node.isPropertyAssignment(p) ? p.getName() : fail(locOf(symbols, p), "Write each step as label(s, self) { … }");
    let fn: Node | undefined = Node.isMethodDeclaration(p) ? p : (p as Node & { getInitializer(): Node | undefined }).getInitializer();
    let models: string | undefined;
    let fair: Step["fair"];
    if (fn && Node.isObjectLiteralExpression(fn)) {
      // { models: "kernel_function", fair: "strong", body(s, self) { … } }
      models = optionalString(symbols, fn, "models");
      fair = fairness(symbols, fn, ["strong", "none"]) as Step["fair"];
      const body = fn.getProperty("body");
      fn = body && Node.isPropertyAssignment(body) ? body.getInitializer() : body;
    }
    if (!fn || !(Node.isMethodDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)))
      return fail(locOf(symbols, p), `Step "${label}" must be a function (s, self) => { … }`);
    const [stateParam, selfParam] = fn.getParameters().map((q) => q.getName());
    const body = fn.getBody();
    const stepScope: Scope = { ...scope, state: stateParam, self: selfParam };
    const stmts = !body ? [] : Node.isBlock(body) ? readStatements(symbols, stepScope, body.getStatements()) : fail(locOf(symbols, body), "A step body is a block { … }");
    return { label, models, ...(fair ? { fair } : {}), doc: docOf(p), body: stmts, loc: locOf(symbols, p) };
  });
}

function readProcedure(symbols: ModuleSymbols, call: CallExpression, variables: ReadonlySet<string>, doc?: string): Procedure {
  const name = stringArg(symbols, call, 0, "procedure(…)");
  const def = objectArg(symbols, call, 1, "procedure(…)");
  const init = optionalObject(symbols, def, "init");
  const noScope: Scope = { locals: new Set(), variables: new Set(), bound: new Set() };
  const schema = (key: string) => {
    const node = def.getProperty(key);
    return node && Node.isPropertyAssignment(node) ? readSchema(symbols, resolveObject(symbols, node.getInitializerOrThrow()), init, noScope, `procedure ${name}'s init`, true) : [];
  };
  const params = schema("params");
  const locals = schema("locals");
  const own = new Set([...params, ...locals].map((v) => v.name));
  for (const p of init?.getProperties() ?? [])
    if ((Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p)) && !own.has(p.getName()))
      return fail(locOf(symbols, p), `procedure ${name}'s init gives a value to \`${p.getName()}\`, which is not one of its parameters or locals`);
  const steps = readSteps(symbols, property(symbols, def, "steps"), { locals: own, variables, bound: new Set() });
  return { name, params, locals, steps, doc: optionalString(symbols, def, "doc") ?? doc, loc: callLoc(symbols, call) };
}

function readAction(symbols: ModuleSymbols, call: CallExpression, variables: ReadonlySet<string>, allLocals: ReadonlySet<string>, doc?: string): Action {
  const name = stringArg(symbols, call, 0, "action(…)");
  const args = call.getArguments();
  const parameterized = args.length > 2;
  const over = parameterized ? args[1] : undefined;
  if (over && !(Node.isIdentifier(over) && symbols.domains.has(over.getText())))
    return fail(locOf(symbols, over), `Action "${name}" is parameterized by a named domain`, "Declare const D = range(…) (or another domain) at the top level and pass D.");
  const fn = args[parameterized ? 2 : 1];
  if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)))
    return fail(callLoc(symbols, call), `Action "${name}" needs a body (s${parameterized ? ", p" : ""}) => { … }`);
  const [stateParam, param] = fn.getParameters().map((p) => p.getName());
  const body = fn.getBody();
  const scope: Scope = { state: stateParam, locals: new Set(), variables, allLocals, bound: new Set(param ? [param] : []) };
  const stmts = Node.isBlock(body) ? readStatements(symbols, scope, body.getStatements()) : fail(locOf(symbols, body), "An action's body is a block { … }");
  return { name, ...(over && param ? { over: over.getText(), param } : {}), body: stmts, doc, loc: callLoc(symbols, call) };
}

function readInvariant(symbols: ModuleSymbols, call: CallExpression, variables: ReadonlySet<string>, allLocals: ReadonlySet<string>, doc?: string, method: "invariant" | "reachable" = "invariant"): Invariant {
  const name = stringArg(symbols, call, 0, `${method}(…)`);
  return { name, ...readPredicate(symbols, call, `${method === "invariant" ? "Invariant" : "Reachability goal"} "${name}"`, variables, allLocals, doc, 1) };
}

/** A state predicate `(s) => …` (an invariant's, a constraint's, `.initially`'s): the state with pc and every local. */
function readPredicate(
  symbols: ModuleSymbols,
  call: CallExpression,
  what: string,
  variables: ReadonlySet<string>,
  allLocals: ReadonlySet<string>,
  doc?: string,
  argument = 0,
): { body: Expr; doc?: string; loc: SourceLoc } {
  const fn = call.getArguments()[argument];
  if (!fn || !(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)))
    return fail(callLoc(symbols, call), `${what} needs a predicate (s) => …`);
  const state = fn.getParameters()[0]?.getName();
  const scope: Scope = { state, locals: new Set(), variables, allLocals, bound: new Set() };
  return { body: readExpr(symbols, scope, lambdaResult(symbols, fn)), doc, loc: callLoc(symbols, call) };
}

function readConfig(symbols: ModuleSymbols, call: CallExpression, doc?: string): Config {
  const name = stringArg(symbols, call, 0, "config(…)");
  const def = objectArg(symbols, call, 1, "config(…)");
  const constantsNode = optionalObject(symbols, def, "constants");
  const constants = (constantsNode?.getProperties() ?? []).map((p) => {
    if (!Node.isPropertyAssignment(p)) return fail(locOf(symbols, p), "Bind each constant as Name: value");
    return { name: p.getName(), value: readValue(symbols, p.getInitializerOrThrow()), loc: locOf(symbols, p) };
  });
  return { name, constants, variant: optionalString(symbols, def, "variant"), doc: optionalString(symbols, def, "doc") ?? doc, loc: callLoc(symbols, call) };
}

function readValue(symbols: ModuleSymbols, node: Node): Value {
  if (Node.isNumericLiteral(node)) return tlcInteger(Number(node.getLiteralValue()), locOf(symbols, node), node.getText());
  const operand = Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken ? node.getOperand() : undefined;
  if (operand && Node.isNumericLiteral(operand)) return -tlcInteger(Number(operand.getLiteralValue()), locOf(symbols, operand), operand.getText());
  if (Node.isStringLiteral(node)) return node.getLiteralValue();
  if (Node.isTrueLiteral(node)) return true;
  if (Node.isFalseLiteral(node)) return false;
  if (Node.isArrayLiteralExpression(node)) return node.getElements().map((e) => readValue(symbols, e));
  return fail(locOf(symbols, node), "A configuration value is a number, boolean, string or array of them");
}

// ---------------------------------------------------------------------------------------------
// Small readers

function objectArg(symbols: ModuleSymbols, call: CallExpression, i: number, what: string): ObjectLiteralExpression {
  const arg = call.getArguments()[i];
  if (!arg) return fail(callLoc(symbols, call), `${what} is missing its argument ${i + 1}`);
  return resolveObject(symbols, arg);
}

function stringArg(symbols: ModuleSymbols, call: CallExpression, i: number, what: string): string {
  const arg = call.getArguments()[i];
  if (!arg || !Node.isStringLiteral(arg)) return fail(locOf(symbols, arg ?? call), `${what} needs a name as a string literal (argument ${i + 1})`);
  return arg.getLiteralValue();
}

/** An object literal, written in place or as a top-level `const`. */
function resolveObject(symbols: ModuleSymbols, node: Node): ObjectLiteralExpression {
  if (Node.isObjectLiteralExpression(node)) return node;
  if (Node.isAsExpression(node) || Node.isSatisfiesExpression(node)) return resolveObject(symbols, node.getExpression());
  if (Node.isIdentifier(node)) {
    const decl = symbols.source.getVariableDeclaration(node.getText());
    const init = decl?.getInitializer();
    if (init) return resolveObject(symbols, init);
  }
  return fail(locOf(symbols, node), "Expected an object literal { … } (or the name of a top-level const holding one)");
}

function property(symbols: ModuleSymbols, obj: ObjectLiteralExpression, name: string): Node {
  const p = obj.getProperty(name);
  if (p && Node.isPropertyAssignment(p)) return p.getInitializerOrThrow();
  if (p && Node.isShorthandPropertyAssignment(p)) return p.getNameNode();
  return fail(locOf(symbols, obj), `Missing \`${name}\``);
}

function optionalObject(symbols: ModuleSymbols, obj: ObjectLiteralExpression, name: string): ObjectLiteralExpression | undefined {
  return obj.getProperty(name) ? resolveObject(symbols, property(symbols, obj, name)) : undefined;
}

/** A `fair: "…"` entry, one of `allowed`. */
function fairness(symbols: ModuleSymbols, obj: ObjectLiteralExpression, allowed: string[]): Fairness | undefined {
  const value = optionalString(symbols, obj, "fair");
  if (value !== undefined && !allowed.includes(value))
    return fail(locOf(symbols, property(symbols, obj, "fair")), `fair: "${value}" is not a fairness here`, `Write one of ${allowed.map((a) => `"${a}"`).join(", ")}.`);
  return value as Fairness | undefined;
}

function optionalString(symbols: ModuleSymbols, obj: ObjectLiteralExpression, name: string): string | undefined {
  if (!obj.getProperty(name)) return undefined;
  const value = property(symbols, obj, name);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  return fail(locOf(symbols, value), `\`${name}\` must be a string literal`);
}

/** A `/** … *\/` comment written just before `.method(` in the chain. */
function docBefore(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  const text = call.getSourceFile().getFullText().slice(callee.getExpression().getEnd(), callee.getNameNode().getStart());
  const match = /\/\*\*([\s\S]*?)\*\//.exec(text);
  return match?.[1]
    ?.split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, ""))
    .join("\n")
    .trim();
}

/** Where a chained call is written: its method name (`.invariant`), not the start of the whole chain. */
function callLoc(symbols: ModuleSymbols, call: CallExpression): SourceLoc {
  const callee = call.getExpression();
  return locOf(symbols, Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : call);
}
