import type { RenderLimits, TemplateErrorKind } from './runtime/render.budget.js';
import type { ProgramNode } from './syntax/jinja.ast.js';

export type { RenderLimits, TemplateErrorKind } from './runtime/render.budget.js';

/** Templates longer than this are rejected at compile time. */
export const MAX_TEMPLATE_CHARS = 50_000;
/** What callers cut rendered titles to (see `capRendered`). */
export const MAX_TITLE_CHARS = 500;

export interface TemplateRenderError {
  /** The template's name, as given to `compileTemplate` (for the timeline). */
  template: string;
  message: string;
  kind: TemplateErrorKind | 'InternalError';
}

/**
 * A parsed template. Compilation never throws: a template that does not
 * compile carries its `error`, and every render of it returns that error.
 */
export interface CompiledTemplate {
  readonly name: string;
  readonly source: string;
  readonly error: TemplateRenderError | null;
  /** @internal */
  readonly program: ProgramNode | null;
}

/** `steps` and `allocated` are the work and characters the render was charged (see RenderLimits.maxSteps, maxAllocChars). */
export type RenderResult =
  | { ok: true; output: string; truncated: boolean; steps: number; allocated: number }
  | { ok: false; error: TemplateRenderError; steps: number; allocated: number };

export interface RenderOptions extends Partial<RenderLimits> {
  /** "Now" for OnCall's `time()`, epoch milliseconds. Templates read no clock. */
  now?: number;
}
