import { TEST_FILTER_PREFIX, type ProgramNode } from './jinja.ast.js';

/** Calls `fn` on every node object under `n` (arrays, object-literal maps and node fields). */
function walk(n: unknown, fn: (node: object) => void): void {
  if (Array.isArray(n)) return n.forEach((x) => walk(x, fn));
  if (n instanceof Map) {
    for (const [k, v] of n) {
      walk(k, fn);
      walk(v, fn);
    }
    return;
  }
  if (!n || typeof n !== 'object') return;
  fn(n);
  for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v, fn);
}

/** Every filter and test name used by the program (for warnings: Jinja2 fails only when one is reached). */
export function collectNames(program: ProgramNode): { filters: Set<string>; tests: Set<string> } {
  const filters = new Set<string>();
  const tests = new Set<string>();
  walk(program, (n) => {
    const node = n as { type?: string; filter?: { type: string; value?: string; callee?: { value?: string } }; test?: { value?: string } };
    if ((node.type === 'FilterExpression' || node.type === 'FilterStatement') && node.filter) {
      const name = node.filter.type === 'Identifier' ? node.filter.value : node.filter.callee?.value;
      if (name !== undefined) {
        if (name.startsWith(TEST_FILTER_PREFIX)) tests.add(name.slice(TEST_FILTER_PREFIX.length).replace(/^!/, ''));
        else filters.add(name);
      }
    }
    if (node.type === 'TestExpression' && node.test?.value) tests.add(node.test.value);
  });
  return { filters, tests };
}

const identifierCache = new WeakMap<object, Set<string>>();

/** Every identifier under `node` (cached): a macro takes `varargs`/`kwargs` only if its body names them, as in Jinja2. */
export function identifiersIn(node: object): Set<string> {
  let names = identifierCache.get(node);
  if (names) return names;
  names = new Set<string>();
  const found = names;
  walk(node, (n) => {
    const t = n as { type?: string; value?: unknown };
    if (t.type === 'Identifier' && typeof t.value === 'string') found.add(t.value);
  });
  identifierCache.set(node, names);
  return names;
}
