/** Binds positional and keyword arguments to a Python-style parameter list. */
import { typeError } from './render.budget.js';
import type { Kwargs, PyValue } from './py.model.js';

/**
 * `params` lists names; a trailing `?` marks an optional one. Returns the
 * values in parameter order, `undefined` for optional parameters not given.
 */
export function bindArgs(fn: string, params: readonly string[], args: readonly PyValue[], kwargs: Kwargs): (PyValue | undefined)[] {
  const names = params.map((p) => p.replace(/\?$/, ''));
  if (args.length > names.length) throw typeError(`${fn}() takes at most ${names.length} arguments (${args.length} given)`);
  const out: (PyValue | undefined)[] = names.map((_, i) => args[i]);
  for (const [k, v] of kwargs) {
    const i = names.indexOf(k);
    if (i < 0) throw typeError(`${fn}() got an unexpected keyword argument '${k}'`);
    if (out[i] !== undefined) throw typeError(`${fn}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  params.forEach((p, i) => {
    if (!p.endsWith('?') && out[i] === undefined) throw typeError(`${fn}() missing required argument: '${names[i]}'`);
  });
  return out;
}

export const NO_KWARGS: Kwargs = new Map();
