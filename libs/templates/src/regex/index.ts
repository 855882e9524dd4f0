/**
 * The linear-time regex engine on its own: template filters use it, and so do
 * route filters and Alertmanager label matchers, which need no Jinja2.
 */
export { LinearRegex, RegexSyntaxError, RegexStepLimit, type RegexAnchor, type RegexOptions, type StepMeter } from './regex.engine.js';
export type { RegexFlavor } from './regex.ast.js';
