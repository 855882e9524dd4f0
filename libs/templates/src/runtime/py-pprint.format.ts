/**
 * Python's `pprint.pformat(value)` (width 80, indent 1, sorted dicts, not
 * compact), which Jinja2's `pprint` filter returns: a value whose repr fits
 * stays on one line; otherwise dicts, lists and tuples put one item per line
 * and long strings split into adjacent literals at whitespace, exactly as
 * CPython 3.11's `PrettyPrinter._format` and its `_pprint_*` methods do.
 * Widths count code points, as Python's `len` does.
 */
import { PyDict, PyTuple, type PyValue } from './py.model.js';
import { pyRepr, strRepr } from './py-str.format.js';
import { cpLength } from './py-text.helpers.js';
import { budget } from './render.budget.js';

const WIDTH = 80;

class Printer {
  readonly parts: string[] = [];
  private readonly seen = new Set<object>();

  write(s: string): void {
    budget().alloc(s.length);
    this.parts.push(s);
  }

  format(v: PyValue, indent: number, allowance: number, level: number): void {
    const rep = pyRepr(v);
    const maxWidth = WIDTH - indent - allowance;
    if (cpLength(rep) > maxWidth && !this.seenBefore(v)) {
      if (v instanceof PyDict) return this.guarded(v, () => this.dict(v, indent, allowance, level + 1));
      if (Array.isArray(v)) return this.guarded(v, () => this.sequence(v, '[', ']', indent, allowance, level + 1));
      if (v instanceof PyTuple && !v.names)
        return this.guarded(v, () => this.sequence(v.items, '(', v.items.length === 1 ? ',)' : ')', indent, allowance, level + 1));
      if (typeof v === 'string') return this.str(v, rep, indent, allowance, level + 1);
    }
    this.write(rep);
  }

  private seenBefore(v: PyValue): boolean {
    return typeof v === 'object' && v !== null && this.seen.has(v);
  }

  private guarded(v: object, fn: () => void): void {
    this.seen.add(v);
    fn();
    this.seen.delete(v);
  }

  private dict(d: PyDict, indent: number, allowance: number, level: number): void {
    this.write('{');
    const items = [...d.map];
    indent += 1;
    const delim = ',\n' + ' '.repeat(indent);
    items.forEach(([k, v], i) => {
      const last = i === items.length - 1;
      const rep = pyRepr(k);
      this.write(rep);
      this.write(': ');
      this.format(v, indent + cpLength(rep) + 2, last ? allowance + 1 : 1, level);
      if (!last) this.write(delim);
    });
    this.write('}');
  }

  private sequence(items: readonly PyValue[], open: string, close: string, indent: number, allowance: number, level: number): void {
    this.write(open);
    indent += 1;
    const delim = ',\n' + ' '.repeat(indent);
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      if (i > 0) this.write(delim);
      this.format(item, indent, last ? allowance + close.length : 1, level);
    });
    this.write(close);
  }

  /** `_pprint_str`: one literal per line, long lines split after runs of whitespace. */
  private str(s: string, rep: string, indent: number, allowance: number, level: number): void {
    const lines = splitKeepEnds(s);
    if (level === 1) {
      indent += 1;
      allowance += 1;
    }
    const maxWidth = WIDTH - indent;
    let maxWidth1 = maxWidth;
    const chunks: string[] = [];
    lines.forEach((line, i) => {
      const lineRep = strRepr(line);
      if (i === lines.length - 1) maxWidth1 -= allowance;
      if (cpLength(lineRep) <= maxWidth1) {
        chunks.push(lineRep);
        return;
      }
      const parts = line.match(/\S*\s*/gu)?.filter((p) => p !== '') ?? [];
      let maxWidth2 = maxWidth;
      let current = '';
      parts.forEach((part, j) => {
        budget().work(current.length + part.length);
        const candidate = current + part;
        if (j === parts.length - 1 && i === lines.length - 1) maxWidth2 -= allowance;
        if (cpLength(strRepr(candidate)) > maxWidth2) {
          if (current) chunks.push(strRepr(current));
          current = part;
        } else current = candidate;
      });
      if (current) chunks.push(strRepr(current));
    });
    if (chunks.length === 1) return this.write(rep);
    if (level === 1) this.write('(');
    chunks.forEach((c, i) => {
      if (i > 0) this.write('\n' + ' '.repeat(indent));
      this.write(c);
    });
    if (level === 1) this.write(')');
  }
}

/** `str.splitlines(True)`: Python's line boundaries, ends kept. */
function splitKeepEnds(s: string): string[] {
  return s.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/gu)?.filter((l) => l !== '') ?? [];
}

/** `pprint.pformat(value)`; dict keys must already be in pprint's order. */
export function pformat(v: PyValue): string {
  const p = new Printer();
  p.format(v, 0, 0, 0);
  return p.parts.join('');
}
