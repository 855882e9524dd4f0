import { TEST_FILTER_PREFIX, type ProgramNode } from './jinja.ast.js';

/** Every filter and test name used by the program (for warnings: Jinja2 fails only when one is reached). */
export function collectNames(program: ProgramNode): { filters: Set<string>; tests: Set<string> } {
  const filters = new Set<string>();
  const tests = new Set<string>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n instanceof Map) {
      for (const [k, v] of n) {
        visit(k);
        visit(v);
      }
      return;
    }
    if (!n || typeof n !== 'object') return;
    const node = n as { type?: string; filter?: { type: string; value?: string; callee?: { value?: string } }; test?: { value?: string } };
    if ((node.type === 'FilterExpression' || node.type === 'FilterStatement') && node.filter) {
      const name = node.filter.type === 'Identifier' ? node.filter.value : node.filter.callee?.value;
      if (name !== undefined) {
        if (name.startsWith(TEST_FILTER_PREFIX)) tests.add(name.slice(TEST_FILTER_PREFIX.length).replace(/^!/, ''));
        else filters.add(name);
      }
    }
    if (node.type === 'TestExpression' && node.test?.value) tests.add(node.test.value);
    for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
  };
  visit(program);
  return { filters, tests };
}

const identifierCache = new WeakMap<object, Set<string>>();

/** Every identifier under `node` (cached): a macro takes `varargs`/`kwargs` only if its body names them, as in Jinja2. */
export function identifiersIn(node: object): Set<string> {
  let names = identifierCache.get(node);
  if (names) return names;
  const found = new Set<string>();
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n instanceof Map) {
      for (const [k, v] of n) {
        visit(k);
        visit(v);
      }
      return;
    }
    if (!n || typeof n !== 'object') return;
    const t = n as { type?: string; value?: unknown };
    if (t.type === 'Identifier' && typeof t.value === 'string') found.add(t.value);
    for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
  };
  visit(node);
  names = found;
  identifierCache.set(node, names);
  return names;
}
