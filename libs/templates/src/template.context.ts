/** The variables templates see, under OnCall's names and Dozor's. */

export interface TemplateContextInput {
  payload: unknown;
  /** Alert group labels. */
  labels?: Readonly<Record<string, string>>;
  integrationName?: string;
  /** The rendered source link (rendered first, then available to the other templates). */
  sourceLink?: string | null;
  /** Display templates only. */
  groupingId?: string;
  alertGroupId?: string;
  alertGroupLink?: string;
}

/**
 * Builds the variables for `renderTemplate`: `payload`, `labels`,
 * `integration_name`, `source_link`, and for display templates `grouping_id`,
 * `alert_group_id`, `alert_group_link`, plus OnCall's spellings of the last two
 * (`grafana_oncall_incident_id`, `grafana_oncall_link`, `amixr_incident_id`,
 * `amixr_link`) so migrated templates keep working.
 */
export function buildTemplateContext(input: TemplateContextInput): Record<string, unknown> {
  const ctx: Record<string, unknown> = {
    payload: input.payload,
    labels: input.labels ?? {},
    integration_name: input.integrationName ?? '',
    source_link: input.sourceLink ?? null,
  };
  if (input.groupingId !== undefined) ctx.grouping_id = input.groupingId;
  if (input.alertGroupId !== undefined) {
    ctx.alert_group_id = input.alertGroupId;
    ctx.grafana_oncall_incident_id = input.alertGroupId;
    ctx.amixr_incident_id = input.alertGroupId;
  }
  if (input.alertGroupLink !== undefined) {
    ctx.alert_group_link = input.alertGroupLink;
    ctx.grafana_oncall_link = input.alertGroupLink;
    ctx.amixr_link = input.alertGroupLink;
  }
  return ctx;
}
