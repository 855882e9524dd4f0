/** Jinja2's `loop` variable inside `for`. */
import { typeError } from './render.budget.js';
import { PyCallable, PyObject, PyTuple, Undefined, type PyValue } from './py.model.js';
import { eq } from './py.ops.js';

/** What `loop.changed()` saw last; one per loop, shared by the iterations' contexts. */
export interface LoopMemory {
  last: PyValue | undefined;
}

export class LoopContext extends PyObject {
  readonly typeName = 'LoopContext';
  constructor(
    readonly index0: number,
    readonly items: readonly PyValue[],
    private readonly memory: LoopMemory = { last: undefined },
    readonly depth0 = 0,
    /** Renders the next level of a `recursive` loop; absent otherwise. */
    readonly recurse?: (items: PyValue) => PyValue,
  ) {
    super();
  }
  getAttr(name: string): PyValue | undefined {
    const i = this.index0;
    const n = this.items.length;
    switch (name) {
      case 'index':
        return i + 1;
      case 'index0':
        return i;
      case 'revindex':
        return n - i;
      case 'revindex0':
        return n - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return this.depth0 + 1;
      case 'depth0':
        return this.depth0;
      case 'previtem':
        return i > 0 ? this.items[i - 1] : new Undefined('there is no previous item');
      case 'nextitem':
        return i < n - 1 ? this.items[i + 1] : new Undefined('there is no next item');
      case 'cycle':
        return new PyCallable('cycle', (args) => {
          if (args.length === 0) throw typeError('no items for cycling given');
          return args[i % args.length];
        });
      case 'changed':
        return new PyCallable('changed', (args) => {
          const v = new PyTuple(args);
          const changed = this.memory.last === undefined || !eq(this.memory.last, v);
          this.memory.last = v;
          return changed;
        });
      default:
        return undefined;
    }
  }
  repr(): string {
    return `<LoopContext ${this.index0 + 1}/${this.items.length}>`;
  }
}
