/**
 * Jinja2 templates with Grafana OnCall's environment: `compileTemplate` and
 * `renderTemplate`, which never throw.
 */
import { parseTemplate } from './syntax/jinja.parser.js';
import { Budget, DEFAULT_RENDER_LIMITS, TemplateError, withBudget } from './runtime/render.budget.js';
import { Interpreter, OutputFull, type InterpreterTables } from './runtime/jinja.interpreter.js';
import { collectNames } from './syntax/jinja.names.js';
import { toPy, type PyValue } from './runtime/py.model.js';
import type { FilterFn } from './runtime/jinja.runtime.js';
import { JINJA_FILTER_ALIASES, JINJA_FILTERS } from './filters/jinja.filters.js';
import { makeJinjaTests } from './filters/jinja.test-functions.js';
import { ONCALL_FILTERS, ONCALL_GLOBALS } from './filters/oncall.filters.js';
import {
  MAX_TEMPLATE_CHARS,
  type CompiledTemplate,
  type RenderLimits,
  type RenderOptions,
  type RenderResult,
  type TemplateRenderError,
} from './template.types.js';

const FILTERS: ReadonlyMap<string, FilterFn> = (() => {
  const m = new Map<string, FilterFn>([...JINJA_FILTERS, ...ONCALL_FILTERS]);
  for (const [alias, target] of JINJA_FILTER_ALIASES) m.set(alias, m.get(target) as FilterFn);
  return m;
})();
const FILTER_NAMES = new Set(FILTERS.keys());
const TESTS = makeJinjaTests(
  () => FILTER_NAMES,
  () => TEST_NAMES,
);
const TEST_NAMES: ReadonlySet<string> = new Set(TESTS.keys());
const TABLES: InterpreterTables = { filters: FILTERS, tests: TESTS, globals: ONCALL_GLOBALS };

function toError(template: string, e: unknown): TemplateRenderError {
  if (e instanceof TemplateError) return { template, kind: e.kind, message: e.message };
  if (e instanceof RangeError) return { template, kind: 'BudgetExceeded', message: `template nesting too deep (${e.message})` };
  return { template, kind: 'InternalError', message: e instanceof Error ? e.message : String(e) };
}

export function compileTemplate(source: string, name: string): CompiledTemplate {
  const fail = (error: TemplateRenderError): CompiledTemplate => ({ name, source, error, program: null });
  if (typeof source !== 'string') return fail({ template: name, kind: 'TemplateSyntaxError', message: 'template must be a string' });
  if (source.length > MAX_TEMPLATE_CHARS) {
    return fail({
      template: name,
      kind: 'TemplateSyntaxError',
      message: `template has ${source.length} characters, at most ${MAX_TEMPLATE_CHARS} are allowed`,
    });
  }
  try {
    // Unknown filters and tests fail only when reached, as in Jinja2 >= 3.0 (see `unknownNames` for warnings).
    return { name, source, error: null, program: parseTemplate(source) };
  } catch (e) {
    return fail(toError(name, e));
  }
}

/**
 * Filters and tests the template names that this environment lacks. Rendering
 * fails only where one is reached; configuration checks can warn up front.
 */
export function unknownNames(compiled: CompiledTemplate): { filters: string[]; tests: string[] } {
  if (!compiled.program) return { filters: [], tests: [] };
  const used = collectNames(compiled.program);
  return { filters: [...used.filters].filter((f) => !FILTERS.has(f)), tests: [...used.tests].filter((t) => !TESTS.has(t)) };
}

/**
 * Why a configured template is refused, or null: a syntax error, or a filter or
 * test this environment lacks. Rendering would fail only on reaching the name,
 * but in configuration an unknown name is a typo, so it is refused at load.
 */
export function configProblem(compiled: CompiledTemplate): string | null {
  if (compiled.error) return compiled.error.message;
  const { filters, tests } = unknownNames(compiled);
  if (filters.length > 0) return `No filter named '${filters[0]}'.`;
  if (tests.length > 0) return `No test named '${tests[0]}'.`;
  return null;
}

function effectiveLimits(options: RenderOptions): RenderLimits {
  let limits: RenderLimits | undefined;
  for (const k of Object.keys(DEFAULT_RENDER_LIMITS) as (keyof RenderLimits)[]) {
    const v = options[k];
    if (v !== undefined) (limits ??= { ...DEFAULT_RENDER_LIMITS })[k] = v;
  }
  return limits ?? DEFAULT_RENDER_LIMITS;
}

/** Keeps the first `max` characters of a longer `text` and adds `..`, as OnCall does (`result[:max] + ".."`). */
export function capRendered(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max);
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${text.slice(0, cut)}..`;
}

/**
 * Renders with the given variables (see `buildTemplateContext`). Output over
 * `maxOutputChars` is cut and ends in `..`; everything else that goes wrong,
 * including a spent budget, is an `{ ok: false }` result naming the template.
 */
export function renderTemplate(compiled: CompiledTemplate, context: Readonly<Record<string, unknown>>, limits: RenderOptions = {}): RenderResult {
  if (compiled.error || !compiled.program) {
    return {
      ok: false,
      error: compiled.error ?? { template: compiled.name, kind: 'InternalError', message: 'template was not compiled' },
      steps: 0,
      allocated: 0,
    };
  }
  const budget = new Budget(effectiveLimits(limits), limits.now);
  const program = compiled.program;
  try {
    return withBudget(budget, () => {
      const vars = new Map<string, PyValue>();
      for (const k of Object.keys(context)) vars.set(k, toPy(context[k]));
      try {
        const output = new Interpreter(TABLES).run(program, vars);
        return { ok: true as const, output, truncated: false, steps: budget.steps, allocated: budget.allocated };
      } catch (e) {
        if (e instanceof OutputFull)
          return {
            ok: true as const,
            output: capRendered(e.output, budget.limits.maxOutputChars),
            truncated: true,
            steps: budget.steps,
            allocated: budget.allocated,
          };
        throw e;
      }
    });
  } catch (e) {
    return { ok: false, error: toError(compiled.name, e), steps: budget.steps, allocated: budget.allocated };
  }
}

/** Convenience: compile and render in one call (tests, previews). */
export function renderTemplateSource(source: string, name: string, context: Readonly<Record<string, unknown>>, limits?: RenderOptions): RenderResult {
  return renderTemplate(compileTemplate(source, name), context, limits);
}
