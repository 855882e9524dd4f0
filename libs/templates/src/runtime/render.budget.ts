/**
 * Render errors and the execution budget.
 *
 * The interpreter is synchronous, so a render cannot be interrupted by a timer.
 * Instead every unit of work is charged to a budget and the render stops with
 * {@link BudgetExceeded} when it is spent:
 * - steps: one per evaluated AST node and per loop iteration, plus
 *   `ceil(n / 64)` for any operation that is O(n) in a string or list size;
 * - allocation: the total number of characters of all strings built by
 *   concatenation, joining, formatting and serialising;
 * - value size: no single string may exceed `maxValueChars`, no list `maxItems`;
 *   size arguments (widths, precisions, counts, repeat factors) are bounded by
 *   {@link Budget.size} before the value they describe is built;
 * - call depth: macro calls nest at most `maxCallDepth` deep.
 * Bounds are counts, not times, so outcomes are deterministic on any machine.
 */

export type TemplateErrorKind =
  | 'TemplateSyntaxError'
  | 'UndefinedError'
  | 'TypeError'
  | 'ValueError'
  | 'KeyError'
  | 'IndexError'
  | 'ZeroDivisionError'
  | 'SecurityError'
  | 'BudgetExceeded'
  | 'RegexError';

export class TemplateError extends Error {
  constructor(
    readonly kind: TemplateErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export class BudgetExceeded extends TemplateError {
  constructor(message: string) {
    super('BudgetExceeded', message);
  }
}

export const typeError = (m: string): TemplateError => new TemplateError('TypeError', m);
export const valueError = (m: string): TemplateError => new TemplateError('ValueError', m);
export const securityError = (m: string): TemplateError => new TemplateError('SecurityError', m);

export interface RenderLimits {
  /** Rendered output, characters. Longer output is cut and ends with `..`. Default 50,000. */
  maxOutputChars: number;
  /** Evaluation steps (see above). Default 1,000,000. */
  maxSteps: number;
  /** Characters allocated by string-building operations in one render. Default 20,000,000. */
  maxAllocChars: number;
  /** Largest single string value. Default 2,000,000. */
  maxValueChars: number;
  /** Largest list built by the template. Default 100,000 items. */
  maxItems: number;
  /** Macro call nesting. Default 64. */
  maxCallDepth: number;
}

export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = Object.freeze({
  maxOutputChars: 50_000,
  maxSteps: 1_000_000,
  maxAllocChars: 20_000_000,
  maxValueChars: 2_000_000,
  maxItems: 100_000,
  maxCallDepth: 64,
});

export class Budget {
  steps = 0;
  allocated = 0;
  depth = 0;

  /**
   * @param now the render's "now" (epoch ms) for OnCall's `time()`; templates read no clock
   */
  constructor(
    readonly limits: Readonly<RenderLimits>,
    readonly now?: number,
  ) {}

  step(): void {
    if (++this.steps > this.limits.maxSteps) throw new BudgetExceeded(`template exceeded ${this.limits.maxSteps} evaluation steps`);
  }

  /** Charges O(n) work. */
  work(n: number): void {
    this.steps += Math.ceil(n / 64);
    if (this.steps > this.limits.maxSteps) throw new BudgetExceeded(`template exceeded ${this.limits.maxSteps} evaluation steps`);
  }

  /** Call before building a string of `n` characters. */
  alloc(n: number): void {
    if (n > this.limits.maxValueChars) throw new BudgetExceeded(`a string of ${n} characters exceeds the limit of ${this.limits.maxValueChars}`);
    this.allocated += n;
    if (this.allocated > this.limits.maxAllocChars) throw new BudgetExceeded(`template allocated more than ${this.limits.maxAllocChars} characters`);
    this.work(n);
  }

  /** Call before building a list of `n` items. */
  items(n: number): void {
    if (n > this.limits.maxItems) throw new BudgetExceeded(`a list of ${n} items exceeds the limit of ${this.limits.maxItems}`);
    this.work(n);
  }

  /**
   * Bounds a size argument (a width, precision, count or repeat factor) before
   * anything is built from it, so a huge argument ends the render at once
   * instead of after the allocation it asks for.
   */
  size(n: number, what: string): number {
    if (n > this.limits.maxValueChars) throw new BudgetExceeded(`${what} ${n} exceeds the limit of ${this.limits.maxValueChars}`);
    return n;
  }

  enter(): void {
    if (++this.depth > this.limits.maxCallDepth) throw new BudgetExceeded(`macro calls nested deeper than ${this.limits.maxCallDepth}`);
  }

  leave(): void {
    this.depth--;
  }
}

/**
 * The budget of the render in progress. Rendering is synchronous and not
 * re-entrant, so one module-level slot is enough; helpers deep in filters and
 * formatters charge it without threading it through every signature.
 */
let active = new Budget(DEFAULT_RENDER_LIMITS);

export function budget(): Budget {
  return active;
}

export function withBudget<T>(b: Budget, fn: () => T): T {
  const prev = active;
  active = b;
  try {
    return fn();
  } finally {
    active = prev;
  }
}
