/** What filters and tests see of the interpreter, and their signatures. */
import type { Kwargs, PyValue } from './py.model.js';

export interface Runtime {
  /** Jinja2's sandboxed `getattr`: attribute first, then item. */
  getattr(obj: PyValue, name: string): PyValue;
  /** Jinja2's sandboxed `getitem`: item first, then attribute. */
  getitem(obj: PyValue, key: PyValue): PyValue;
  callFilter(name: string, value: PyValue, args: PyValue[], kwargs: Kwargs): PyValue;
  callTest(name: string, value: PyValue, args: PyValue[]): boolean;
  call(fn: PyValue, args: PyValue[], kwargs: Kwargs): PyValue;
  /** The render's notion of "now", in epoch milliseconds, if the caller gave one. */
  readonly now: number | undefined;
}

export type FilterFn = (value: PyValue, args: PyValue[], kwargs: Kwargs, rt: Runtime) => PyValue;
export type TestFn = (value: PyValue, args: PyValue[], rt: Runtime) => boolean;
