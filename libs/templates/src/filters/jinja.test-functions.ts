/** Jinja2 3.1's builtin tests (`x is defined`, `x is divisibleby 3`, ...). */
import { typeError } from '../runtime/render.budget.js';
import { PyBigInt, PyCallable, PyDict, PyFloat, PyTuple, Undefined, type PyValue } from '../runtime/py.model.js';
import { compare, contains, eq, num, undefinedError } from '../runtime/py.ops.js';
import { typeName } from '../runtime/py-str.format.js';
import type { TestFn } from '../runtime/jinja.runtime.js';
import { softStr } from './filter.helpers.js';

function int(v: PyValue, test: string): number {
  const n = num(v);
  if (n === undefined) {
    if (v instanceof Undefined) throw undefinedError(v);
    throw typeError(`${test}: unsupported operand type '${typeName(v)}'`);
  }
  return n;
}

const mod = (a: number, b: number): number => ((a % b) + b) % b;

const arg = (args: PyValue[], test: string): PyValue => {
  if (args.length < 1) throw typeError(`test '${test}' requires an argument`);
  return args[0];
};

const isLower = (s: string): boolean => /\p{Ll}/u.test(s) && s === s.toLowerCase();
const isUpper = (s: string): boolean => /\p{Lu}/u.test(s) && s === s.toUpperCase();

export function makeJinjaTests(filterNames: () => ReadonlySet<string>, testNames: () => ReadonlySet<string>): ReadonlyMap<string, TestFn> {
  const tests: [string, TestFn][] = [
    ['odd', (v) => mod(int(v, 'odd'), 2) === 1],
    ['even', (v) => mod(int(v, 'even'), 2) === 0],
    ['divisibleby', (v, a) => mod(int(v, 'divisibleby'), int(arg(a, 'divisibleby'), 'divisibleby')) === 0],
    ['defined', (v) => !(v instanceof Undefined)],
    ['undefined', (v) => v instanceof Undefined],
    ['filter', (v) => typeof v === 'string' && filterNames().has(v)],
    ['test', (v) => typeof v === 'string' && testNames().has(v)],
    ['none', (v) => v === null],
    ['boolean', (v) => typeof v === 'boolean'],
    ['false', (v) => v === false],
    ['true', (v) => v === true],
    ['integer', (v) => typeof v === 'number' || v instanceof PyBigInt],
    ['float', (v) => v instanceof PyFloat],
    ['lower', (v) => isLower(softStr(v))],
    ['upper', (v) => isUpper(softStr(v))],
    ['string', (v) => typeof v === 'string'],
    ['mapping', (v) => v instanceof PyDict],
    ['number', (v) => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat || v instanceof PyBigInt],
    ['sequence', (v) => typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict || v instanceof Undefined],
    ['iterable', (v) => typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple || v instanceof PyDict || v instanceof Undefined],
    ['callable', (v) => v instanceof PyCallable],
    [
      'sameas',
      (v, a) => {
        const o = arg(a, 'sameas');
        return v === o || (v === null && o === null);
      },
    ],
    ['escaped', () => false],
    ['in', (v, a) => contains(arg(a, 'in'), v)],
    ['==', (v, a) => eq(v, arg(a, '=='))],
    ['eq', (v, a) => eq(v, arg(a, 'eq'))],
    ['equalto', (v, a) => eq(v, arg(a, 'equalto'))],
    ['!=', (v, a) => !eq(v, arg(a, '!='))],
    ['ne', (v, a) => !eq(v, arg(a, 'ne'))],
    ['>', (v, a) => compare(v, arg(a, '>')) > 0],
    ['gt', (v, a) => compare(v, arg(a, 'gt')) > 0],
    ['greaterthan', (v, a) => compare(v, arg(a, 'greaterthan')) > 0],
    ['>=', (v, a) => compare(v, arg(a, '>=')) >= 0],
    ['ge', (v, a) => compare(v, arg(a, 'ge')) >= 0],
    ['<', (v, a) => compare(v, arg(a, '<')) < 0],
    ['lt', (v, a) => compare(v, arg(a, 'lt')) < 0],
    ['lessthan', (v, a) => compare(v, arg(a, 'lessthan')) < 0],
    ['<=', (v, a) => compare(v, arg(a, '<=')) <= 0],
    ['le', (v, a) => compare(v, arg(a, 'le')) <= 0],
  ];
  return new Map(tests);
}
