export { compileTemplate, renderTemplate, renderTemplateSource, capRendered, configProblem, unknownNames } from './template.engine.js';
export { buildTemplateContext, type TemplateContextInput } from './template.context.js';
export {
  MAX_TEMPLATE_CHARS,
  MAX_TITLE_CHARS,
  type CompiledTemplate,
  type RenderOptions,
  type RenderResult,
  type RenderLimits,
  type TemplateErrorKind,
  type TemplateRenderError,
} from './template.types.js';
export { DEFAULT_RENDER_LIMITS } from './runtime/render.budget.js';
export { pythonJsonDumps } from './python-json.format.js';
export {
  ALERTMANAGER_GROUPING_ID_TEMPLATE,
  ALERTMANAGER_RESOLVE_CONDITION_TEMPLATE,
  ALERTMANAGER_SOURCE_LINK_TEMPLATE,
  ALERTMANAGER_WEB_TITLE_TEMPLATE,
  ALERTMANAGER_WEB_MESSAGE_TEMPLATE,
  ALERTMANAGER_TELEGRAM_TITLE_TEMPLATE,
  ALERTMANAGER_TELEGRAM_MESSAGE_TEMPLATE,
  ALERTMANAGER_DEFAULT_TEMPLATES,
} from './oncall-alertmanager.templates.js';
export {
  WEBHOOK_GROUPING_ID_TEMPLATE,
  WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
  WEBHOOK_SOURCE_LINK_TEMPLATE,
  WEBHOOK_WEB_TITLE_TEMPLATE,
  WEBHOOK_TELEGRAM_TITLE_TEMPLATE,
  WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE,
  WEBHOOK_DEFAULT_TEMPLATES,
  FORMATTED_WEBHOOK_GROUPING_ID_TEMPLATE,
  FORMATTED_WEBHOOK_RESOLVE_CONDITION_TEMPLATE,
  FORMATTED_WEBHOOK_SOURCE_LINK_TEMPLATE,
  FORMATTED_WEBHOOK_WEB_TITLE_TEMPLATE,
  FORMATTED_WEBHOOK_TELEGRAM_TITLE_TEMPLATE,
  FORMATTED_WEBHOOK_TELEGRAM_MESSAGE_TEMPLATE,
  FORMATTED_WEBHOOK_IMAGE_URL_TEMPLATE,
  FORMATTED_WEBHOOK_DEFAULT_TEMPLATES,
} from './oncall-webhook.templates.js';
export { emojize } from './emoji/emojize.helpers.js';
