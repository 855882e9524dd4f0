/**
 * Evaluates the parsed template with Jinja2's semantics over the Python value
 * model. Every node evaluation and loop iteration is charged to the budget.
 */
import type {
  CallExpressionNode,
  CallStatementNode,
  ExprNode,
  FilterExpressionNode,
  FilterStatementNode,
  ForNode,
  IdentifierNode,
  MacroNode,
  MemberExpressionNode,
  ProgramNode,
  SetNode,
  SliceExpressionNode,
  StatementNode,
} from '../syntax/jinja.ast.js';
import { BIG_INT_CALL, RECURSIVE_LOOP, TEST_FILTER_PREFIX, TUPLE_CALL } from '../syntax/jinja.ast.js';
import { identifiersIn } from '../syntax/jinja.names.js';
import { budget, BudgetExceeded, TemplateError, typeError, valueError, type Budget } from './render.budget.js';
import { intValue, PyBigInt, PyCallable, PyDict, PyFloat, PyNamespace, PyObject, PyTuple, Undefined, type Kwargs, type PyValue } from './py.model.js';
import { binaryArith, compare, concat, contains, dictKey, eq, iterate, num, truthy, undefinedError } from './py.ops.js';
import { pyRepr, pyStr, typeName } from './py-str.format.js';
import { percentFormat } from './py-percent.format.js';
import { builtinMethod, formatAccess, numberAttr } from './py-methods.builtins.js';
import { cpLength } from './py-text.helpers.js';
import { LoopContext } from './loop.context.js';
import { sliceIndices } from './py-slice.helpers.js';
import type { FilterFn, Runtime, TestFn } from './jinja.runtime.js';

class BreakSignal {}
class ContinueSignal {}

/** Thrown when the root output reaches its limit; carries the output so far. */
export class OutputFull {
  constructor(readonly output: string) {}
}

class Out {
  private parts: string[] = [];
  private len = 0;
  constructor(
    private readonly limit: number,
    private readonly root: boolean,
  ) {}
  write(s: string): void {
    if (s.length === 0) return;
    this.len += s.length;
    if (this.len > this.limit) {
      if (this.root) {
        this.parts.push(s);
        throw new OutputFull(this.parts.join('').slice(0, this.limit + 1));
      }
      throw new BudgetExceeded(`a block rendered more than ${this.limit} characters`);
    }
    this.parts.push(s);
  }
  text(): string {
    return this.parts.join('');
  }
}

class Scope {
  constructor(
    readonly parent?: Scope,
    readonly vars: Map<string, PyValue> = new Map(),
  ) {}
  lookup(name: string): PyValue | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'not in']);

const CONSTANTS = new Map<string, PyValue>([
  ['true', true],
  ['false', false],
  ['none', null],
  ['True', true],
  ['False', false],
  ['None', null],
  [TUPLE_CALL, new PyCallable('tuple', (args) => new PyTuple(args))],
  [BIG_INT_CALL, new PyCallable('int', ([digits]) => (typeof digits === 'string' && /^\d+$/.test(digits) ? intValue(BigInt(digits)) : null))],
]);

function typeRepr(obj: PyValue): string {
  return obj === null ? 'None' : `${typeName(obj)} object`;
}

export interface InterpreterTables {
  readonly filters: ReadonlyMap<string, FilterFn>;
  readonly tests: ReadonlyMap<string, TestFn>;
  /** Never written: template assignments go to inner scopes. */
  readonly globals: Map<string, PyValue>;
}

export class Interpreter implements Runtime {
  private readonly b: Budget;

  constructor(private readonly tables: InterpreterTables) {
    this.b = budget();
  }

  get now(): number | undefined {
    return this.b.now;
  }

  /** Renders the program. Throws OutputFull when the output limit is reached. */
  run(program: ProgramNode, context: Map<string, PyValue>): string {
    const ctx = new Scope(new Scope(undefined, this.tables.globals), context);
    const out = new Out(this.b.limits.maxOutputChars, true);
    const prevAccess = { getattr: formatAccess.getattr, getitem: formatAccess.getitem };
    formatAccess.getattr = (o, n) => this.getattr(o, n);
    formatAccess.getitem = (o, k) => this.getitem(o, k);
    try {
      this.execBlock(program.body, new Scope(ctx), out);
    } catch (e) {
      if (e instanceof BreakSignal || e instanceof ContinueSignal) throw new TemplateError('TemplateSyntaxError', "'break'/'continue' outside of a loop");
      throw e;
    } finally {
      formatAccess.getattr = prevAccess.getattr;
      formatAccess.getitem = prevAccess.getitem;
    }
    return out.text();
  }

  // ---- statements -------------------------------------------------------

  private execBlock(body: readonly StatementNode[], scope: Scope, out: Out): void {
    for (const stmt of body) this.exec(stmt, scope, out);
  }

  private capture(body: readonly StatementNode[], scope: Scope): string {
    const out = new Out(this.b.limits.maxValueChars, false);
    this.execBlock(body, scope, out);
    const s = out.text();
    this.b.alloc(s.length);
    return s;
  }

  private exec(stmt: StatementNode, scope: Scope, out: Out): void {
    this.b.step();
    switch (stmt.type) {
      case 'StringLiteral':
        out.write(stmt.value);
        return;
      case 'If':
        this.execBlock(truthy(this.eval(stmt.test, scope)) ? stmt.body : stmt.alternate, scope, out);
        return;
      case 'For':
        this.execFor(stmt, scope, out);
        return;
      case 'Set':
        this.execSet(stmt, scope);
        return;
      case 'Macro':
        scope.vars.set(stmt.name.value, this.macro(stmt, scope));
        return;
      case 'CallStatement':
        out.write(pyStr(this.execCallBlock(stmt, scope)));
        return;
      case 'FilterStatement':
        out.write(pyStr(this.execFilterBlock(stmt, scope)));
        return;
      case 'Comment':
        return;
      case 'Break':
        throw new BreakSignal();
      case 'Continue':
        throw new ContinueSignal();
      case 'Program':
        this.execBlock(stmt.body, scope, out);
        return;
      default:
        out.write(pyStr(this.eval(stmt, scope)));
    }
  }

  private bindTarget(target: ExprNode, value: PyValue, scope: Scope): void {
    if (target.type === 'Identifier') {
      scope.vars.set(target.value, value);
      return;
    }
    if (target.type === 'TupleLiteral') {
      const items = iterate(value);
      if (items.length !== target.value.length) {
        throw valueError(
          items.length < target.value.length
            ? `not enough values to unpack (expected ${target.value.length}, got ${items.length})`
            : `too many values to unpack (expected ${target.value.length})`,
        );
      }
      target.value.forEach((t, i) => this.bindTarget(t, items[i], scope));
      return;
    }
    throw new TemplateError('TemplateSyntaxError', `cannot assign to ${target.type}`);
  }

  private execFor(node: ForNode, scope: Scope, out: Out): void {
    let iterable = node.iterable;
    const recursive = iterable.type === 'FilterExpression' && iterable.filter.type === 'Identifier' && iterable.filter.value === RECURSIVE_LOOP;
    if (iterable.type === 'FilterExpression' && recursive) iterable = iterable.operand;
    const iterNode = iterable.type === 'SelectExpression' ? iterable.lhs : iterable;
    const cond = iterable.type === 'SelectExpression' ? iterable.test : undefined;
    this.runLoop(node, this.eval(iterNode, scope), cond, scope, out, recursive ? 0 : undefined);
  }

  /** One level of a loop; `depth` is set for `{% for … recursive %}`, whose `loop(items)` renders the next level. */
  private runLoop(node: ForNode, iterable: PyValue, cond: ExprNode | undefined, scope: Scope, out: Out, depth: number | undefined): void {
    let items = iterate(iterable);
    if (cond) {
      items = items.filter((item) => {
        this.b.step();
        const s = new Scope(scope);
        this.bindTarget(node.loopvar, item, s);
        return truthy(this.eval(cond, s));
      });
    }
    if (items.length === 0) {
      this.execBlock(node.defaultBlock, new Scope(scope), out);
      return;
    }
    const memory = { last: undefined };
    const recurse =
      depth === undefined
        ? undefined
        : (next: PyValue): PyValue => {
            this.b.enter();
            try {
              const inner = new Out(this.b.limits.maxValueChars, false);
              this.runLoop(node, next, cond, scope, inner, depth + 1);
              const s = inner.text();
              this.b.alloc(s.length);
              return s;
            } finally {
              this.b.leave();
            }
          };
    for (let i = 0; i < items.length; i++) {
      this.b.step();
      const s = new Scope(scope);
      this.bindTarget(node.loopvar, items[i], s);
      s.vars.set('loop', new LoopContext(i, items, memory, depth ?? 0, recurse));
      try {
        this.execBlock(node.body, s, out);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
  }

  private execSet(node: SetNode, scope: Scope): void {
    let target = node.assignee;
    let value: PyValue;
    if (node.value) value = this.eval(node.value, scope);
    else {
      // `{% set x | f | g %}…{% endset %}`: the library parses the target as a filter expression.
      const filters: FilterExpressionNode['filter'][] = [];
      while (target.type === 'FilterExpression') {
        filters.unshift(target.filter);
        target = target.operand;
      }
      value = this.capture(node.body, scope);
      for (const f of filters) value = this.applyFilter(f, value, scope);
    }
    if (target.type === 'MemberExpression' && !target.computed && target.property.type === 'Identifier') {
      const obj = this.eval(target.object, scope);
      if (!(obj instanceof PyNamespace)) throw new TemplateError('TypeError', 'cannot assign attribute on non-namespace object');
      obj.attrs.set(target.property.value, value);
      return;
    }
    this.bindTarget(target, value, scope);
  }

  private macro(node: MacroNode, defScope: Scope): PyCallable {
    const name = node.name.value;
    return new PyCallable(name, (args, kwargs) => {
      this.b.enter();
      try {
        const s = new Scope(defScope);
        const rest = new Map(kwargs);
        const params = node.args;
        const used = identifiersIn(node.body);
        if (args.length > params.length && !used.has('varargs')) {
          throw typeError(`macro '${name}' takes not more than ${params.length} argument(s)`);
        }
        params.forEach((p, i) => {
          const pname = p.type === 'KeywordArgumentExpression' ? p.key.value : (p as IdentifierNode).value;
          if (i < args.length) s.vars.set(pname, args[i]);
          else if (rest.has(pname)) {
            s.vars.set(pname, rest.get(pname) as PyValue);
            rest.delete(pname);
          } else if (p.type === 'KeywordArgumentExpression') s.vars.set(pname, this.eval(p.value, s));
          else s.vars.set(pname, new Undefined(`parameter '${pname}' was not provided`));
        });
        if (rest.has('caller')) {
          s.vars.set('caller', rest.get('caller') as PyValue);
          rest.delete('caller');
        }
        if (rest.size > 0 && !used.has('kwargs')) throw typeError(`macro '${name}' takes no keyword argument '${[...rest.keys()][0]}'`);
        s.vars.set('varargs', new PyTuple(args.slice(params.length)));
        s.vars.set('kwargs', new PyDict(new Map(rest)));
        return this.capture(node.body, s);
      } finally {
        this.b.leave();
      }
    });
  }

  private execCallBlock(node: CallStatementNode, scope: Scope): PyValue {
    const callerArgs = node.callerArgs ?? [];
    const caller = new PyCallable('caller', (args) => {
      const s = new Scope(scope);
      callerArgs.forEach((p, i) => {
        const pname = p.type === 'KeywordArgumentExpression' ? p.key.value : (p as IdentifierNode).value;
        s.vars.set(
          pname,
          i < args.length ? args[i] : p.type === 'KeywordArgumentExpression' ? this.eval(p.value, s) : new Undefined(`'${pname}' is undefined`),
        );
      });
      return this.capture(node.body, s);
    });
    const fn = this.eval(node.call.callee, scope);
    const [args, kwargs] = this.evalArgs(node.call.args, scope);
    kwargs.set('caller', caller);
    return this.call(fn, args, kwargs);
  }

  private execFilterBlock(node: FilterStatementNode, scope: Scope): PyValue {
    const body = this.capture(node.body, scope);
    return this.applyFilter(node.filter, body, scope);
  }

  // ---- expressions ------------------------------------------------------

  eval(node: ExprNode, scope: Scope): PyValue {
    this.b.step();
    switch (node.type) {
      case 'Identifier': {
        const c = CONSTANTS.get(node.value);
        if (c !== undefined) return c;
        const v = scope.lookup(node.value);
        return v === undefined ? new Undefined(`'${node.value}' is undefined`) : v;
      }
      case 'IntegerLiteral':
        return node.value;
      case 'FloatLiteral':
        return new PyFloat(node.value);
      case 'StringLiteral':
        return node.value;
      case 'ArrayLiteral':
        return node.value.map((x) => this.eval(x, scope));
      case 'TupleLiteral':
        return new PyTuple(node.value.map((x) => this.eval(x, scope)));
      case 'ObjectLiteral': {
        const m = new Map<ReturnType<typeof dictKey>, PyValue>();
        for (const [k, v] of node.value) m.set(dictKey(this.eval(k, scope)), this.eval(v, scope));
        return new PyDict(m);
      }
      case 'MemberExpression':
        return this.member(node, scope);
      case 'CallExpression':
        return this.callExpr(node, scope);
      case 'BinaryExpression':
        return this.binary(node.operator.value, node.left, node.right, scope);
      case 'UnaryExpression': {
        const v = this.eval(node.argument, scope);
        if (node.operator.value === 'not') return !truthy(v);
        if (v instanceof Undefined) throw undefinedError(v);
        if (v instanceof PyBigInt) return node.operator.value === '-' ? intValue(-v.v) : v;
        const n = num(v);
        if (n === undefined) throw typeError(`bad operand type for unary ${node.operator.value}: '${typeName(v)}'`);
        const r = node.operator.value === '-' ? -n : n;
        return v instanceof PyFloat ? new PyFloat(r) : r;
      }
      case 'FilterExpression':
        return this.applyFilter(node.filter, this.eval(node.operand, scope), scope);
      case 'TestExpression': {
        const r = this.callTest(node.test.value, this.eval(node.operand, scope), []);
        return node.negate ? !r : r;
      }
      case 'SelectExpression':
        return truthy(this.eval(node.test, scope))
          ? this.eval(node.lhs, scope)
          : new Undefined('the inline if-expression evaluated to false and no else section was defined.');
      case 'Ternary':
        return truthy(this.eval(node.condition, scope)) ? this.eval(node.trueExpr, scope) : this.eval(node.falseExpr, scope);
      case 'SliceExpression':
      case 'KeywordArgumentExpression':
      case 'SpreadExpression':
      case 'KeywordSpreadExpression':
        throw new TemplateError('TemplateSyntaxError', `unexpected ${node.type}`);
      default: {
        const never: never = node;
        throw new TemplateError('TemplateSyntaxError', `unsupported syntax: ${(never as { type: string }).type}`);
      }
    }
  }

  /** `a < b < c` means `a < b and b < c`, with `b` evaluated once (Jinja2 and Python). */
  private comparisonChain(node: ExprNode, scope: Scope): PyValue {
    const operands: ExprNode[] = [];
    const ops: string[] = [];
    let n: ExprNode = node;
    while (n.type === 'BinaryExpression' && COMPARISONS.has(n.operator.value)) {
      ops.unshift(n.operator.value);
      operands.unshift(n.right);
      n = n.left;
    }
    operands.unshift(n);
    let prev = this.eval(operands[0], scope);
    for (let i = 0; i < ops.length; i++) {
      const next = this.eval(operands[i + 1], scope);
      if (!this.compareOp(ops[i], prev, next)) return false;
      prev = next;
    }
    return true;
  }

  private compareOp(op: string, l: PyValue, r: PyValue): boolean {
    switch (op) {
      case '==':
        return eq(l, r);
      case '!=':
        return !eq(l, r);
      case '<':
        return compare(l, r) < 0;
      case '>':
        return compare(l, r) > 0;
      case '<=':
        return compare(l, r) <= 0;
      case '>=':
        return compare(l, r) >= 0;
      case 'in':
        return contains(r, l);
      case 'not in':
        return !contains(r, l);
      default:
        throw new TemplateError('TemplateSyntaxError', `unknown comparison ${op}`);
    }
  }

  private binary(op: string, left: ExprNode, right: ExprNode, scope: Scope): PyValue {
    if (COMPARISONS.has(op) && left.type === 'BinaryExpression' && COMPARISONS.has(left.operator.value)) {
      return this.comparisonChain({ type: 'BinaryExpression', operator: { value: op, type: 'ComparisonBinaryOperator' }, left, right }, scope);
    }
    const l = this.eval(left, scope);
    switch (op) {
      case 'and':
        return truthy(l) ? this.eval(right, scope) : l;
      case 'or':
        return truthy(l) ? l : this.eval(right, scope);
      default:
        break;
    }
    const r = this.eval(right, scope);
    if (COMPARISONS.has(op)) return this.compareOp(op, l, r);
    switch (op) {
      case '~':
        return concat(l, r);
      case '%':
        if (typeof l === 'string') return percentFormat(l, r);
        return binaryArith(op, l, r);
      default:
        return binaryArith(op, l, r);
    }
  }

  private member(node: MemberExpressionNode, scope: Scope): PyValue {
    const obj = this.eval(node.object, scope);
    const prop = node.property;
    if (node.computed) {
      if (prop.type === 'SliceExpression') return this.slice(obj, prop, scope);
      return this.getitem(obj, this.eval(prop, scope));
    }
    if (prop.type === 'IntegerLiteral') return this.getitem(obj, prop.value);
    if (prop.type === 'Identifier') return this.getattr(obj, prop.value);
    throw new TemplateError('TemplateSyntaxError', 'expected a name after "."');
  }

  private slice(obj: PyValue, node: SliceExpressionNode, scope: Scope): PyValue {
    if (obj instanceof Undefined) throw undefinedError(obj);
    const v = (n: ExprNode | undefined): PyValue => (n ? this.eval(n, scope) : null);
    const start = v(node.start);
    const stop = v(node.stop);
    const step = v(node.step);
    if (typeof obj === 'string') {
      const chars = Array.from(obj);
      return sliceIndices(chars.length, start, stop, step)
        .map((i) => chars[i])
        .join('');
    }
    if (Array.isArray(obj)) return sliceIndices(obj.length, start, stop, step).map((i) => obj[i]);
    if (obj instanceof PyTuple) return new PyTuple(sliceIndices(obj.items.length, start, stop, step).map((i) => obj.items[i]));
    throw typeError(`'${typeName(obj)}' object is not subscriptable`);
  }

  getattr(obj: PyValue, name: string): PyValue {
    if (obj instanceof Undefined) throw undefinedError(obj);
    if (!name.startsWith('_')) {
      const m = builtinMethod(obj, name);
      if (m) return m;
      if (obj instanceof PyObject) {
        const v = obj.getAttr(name);
        if (v !== undefined) return v;
      }
      if (obj instanceof PyTuple && obj.names?.includes(name)) return obj.items[obj.names.indexOf(name)];
      const attr = numberAttr(obj, name) ?? (obj instanceof PyCallable ? obj.attrs?.get(name) : undefined);
      if (attr !== undefined) return attr;
    }
    if (obj instanceof PyDict) {
      const v = obj.get(name);
      if (v !== undefined) return v;
    }
    return new Undefined(`'${typeRepr(obj)}' has no attribute '${name}'`);
  }

  getitem(obj: PyValue, key: PyValue): PyValue {
    if (obj instanceof Undefined) throw undefinedError(obj);
    if (key instanceof Undefined) throw undefinedError(key);
    if (obj instanceof PyDict) {
      let k: ReturnType<typeof dictKey> | undefined;
      try {
        k = dictKey(key);
      } catch {
        k = undefined;
      }
      const v = k === undefined ? undefined : obj.get(k);
      if (v !== undefined) return v;
    } else if ((typeof key === 'number' || typeof key === 'boolean') && (typeof obj === 'string' || Array.isArray(obj) || obj instanceof PyTuple)) {
      const i = Number(key);
      if (typeof obj === 'string') {
        const n = cpLength(obj);
        const at = i < 0 ? n + i : i;
        if (at >= 0 && at < n) return n === obj.length ? obj[at] : Array.from(obj)[at];
      } else {
        const items = Array.isArray(obj) ? obj : obj.items;
        const at = i < 0 ? items.length + i : i;
        if (at >= 0 && at < items.length) return items[at];
      }
    }
    if (typeof key === 'string') {
      if (!key.startsWith('_')) {
        const m = builtinMethod(obj, key);
        if (m) return m;
        if (obj instanceof PyObject) {
          const v = obj.getAttr(key);
          if (v !== undefined) return v;
        }
      }
      return new Undefined(`'${typeRepr(obj)}' has no attribute '${key}'`);
    }
    return new Undefined(`${typeRepr(obj)} has no element ${pyRepr(key)}`);
  }

  private evalArgs(nodes: readonly ExprNode[], scope: Scope): [PyValue[], Kwargs] {
    const args: PyValue[] = [];
    const kwargs: Kwargs = new Map();
    for (const n of nodes) {
      if (n.type === 'KeywordArgumentExpression') kwargs.set(n.key.value, this.eval(n.value, scope));
      else if (n.type === 'SpreadExpression') args.push(...iterate(this.eval(n.argument, scope)));
      else if (n.type === 'KeywordSpreadExpression') {
        const d = this.eval(n.argument, scope);
        if (!(d instanceof PyDict)) throw typeError('argument after ** must be a mapping');
        for (const [k, v] of d.map) kwargs.set(String(k), v);
      } else args.push(this.eval(n, scope));
    }
    return [args, kwargs];
  }

  private callExpr(node: CallExpressionNode, scope: Scope): PyValue {
    const fn = this.eval(node.callee, scope);
    const [args, kwargs] = this.evalArgs(node.args, scope);
    return this.call(fn, args, kwargs);
  }

  call(fn: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
    if (fn instanceof Undefined) throw undefinedError(fn);
    if (fn instanceof LoopContext) {
      if (!fn.recurse) throw typeError("The loop must have the 'recursive' marker to be called recursively.");
      if (args.length !== 1) throw typeError(`loop() takes exactly 1 argument (${args.length} given)`);
      return fn.recurse(args[0]);
    }
    if (!(fn instanceof PyCallable)) throw typeError(`'${typeName(fn)}' object is not callable`);
    this.b.step();
    return fn.call(args, kwargs);
  }

  private applyFilter(filter: IdentifierNode | CallExpressionNode, value: PyValue, scope: Scope): PyValue {
    let name: string;
    let args: PyValue[] = [];
    let kwargs: Kwargs = new Map();
    if (filter.type === 'Identifier') name = filter.value;
    else {
      if (filter.callee.type !== 'Identifier') throw new TemplateError('TemplateSyntaxError', 'filter name expected');
      name = filter.callee.value;
      [args, kwargs] = this.evalArgs(filter.args, scope);
    }
    if (name.startsWith(TEST_FILTER_PREFIX)) {
      const negate = name[TEST_FILTER_PREFIX.length] === '!';
      const r = this.callTest(name.slice(TEST_FILTER_PREFIX.length + (negate ? 1 : 0)), value, args);
      return negate ? !r : r;
    }
    return this.callFilter(name, value, args, kwargs);
  }

  callFilter(name: string, value: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
    const f = this.tables.filters.get(name);
    if (!f) throw new TemplateError('TemplateSyntaxError', `No filter named '${name}'.`);
    this.b.step();
    return f(value, args, kwargs, this);
  }

  callTest(name: string, value: PyValue, args: PyValue[]): boolean {
    const t = this.tables.tests.get(name);
    if (!t) throw new TemplateError('TemplateSyntaxError', `No test named '${name}'.`);
    this.b.step();
    return t(value, args, this);
  }
}
