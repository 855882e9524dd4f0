/** Python's slice semantics (`seq[a:b:c]`): the selected indices. */
import { budget, typeError, valueError } from './render.budget.js';
import { Undefined, type PyValue } from './py.model.js';

export function sliceIndices(len: number, start: PyValue, stop: PyValue, step: PyValue): number[] {
  const asInt = (v: PyValue, what: string): number | undefined => {
    if (v === null || v instanceof Undefined) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw typeError(`slice ${what} must be an integer or None`);
  };
  const st = asInt(step, 'step') ?? 1;
  if (st === 0) throw valueError('slice step cannot be zero');
  let a = asInt(start, 'start');
  let b = asInt(stop, 'stop');
  if (st > 0) {
    a = a === undefined ? 0 : a < 0 ? Math.max(0, len + a) : Math.min(a, len);
    b = b === undefined ? len : b < 0 ? Math.max(0, len + b) : Math.min(b, len);
  } else {
    a = a === undefined ? len - 1 : a < 0 ? Math.max(-1, len + a) : Math.min(a, len - 1);
    b = b === undefined ? -1 : b < 0 ? Math.max(-1, len + b) : Math.min(b, len - 1);
  }
  const out: number[] = [];
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(i);
  budget().items(out.length);
  return out;
}
