/**
 * The expected outcome of every captured Alertmanager/vmalert fixture under
 * the conformance routes (seed-critical Jinja2, flapping regex,
 * partial-noncritical label matchers, …, default): the route chosen, the
 * grouping key, and whether the payload resolves its group. One table for the
 * pure routing spec and for the run through the real ingest and router.
 * Rows are in log order: a resolve follows the firing that opened its group.
 */
export interface ConformanceRow {
  fixture: string;
  route: string;
  groupingKey: string;
  resolves: boolean;
}

const row = (fixture: string, route: string, groupingKey: string, resolves: boolean): ConformanceRow => ({ fixture, route, groupingKey, resolves });

export const ALERTMANAGER_CONFORMANCE: readonly ConformanceRow[] = [
  row('firing-single', 'seed-critical', '{}:{alertname="AlwaysFiringTest", severity="critical"}', false),
  row('firing-repeat', 'seed-critical', '{}:{alertname="AlwaysFiringTest", severity="critical"}', false),
  row('firing-two-alerts', 'seed-critical', '{}:{alertname="TwoInstancesTest", severity="critical"}', false),
  row('firing-job-instance', 'seed-critical', '{}:{alertname="LabToggleTest", job="capture", severity="critical"}', false),
  row('resolved-job-instance', 'seed-critical', '{}:{alertname="LabToggleTest", job="capture", severity="critical"}', true),
  row('vmalert-firing-single', 'seed-critical', '{}:{alertname="AlwaysFiringTest", severity="critical"}', false),
  row('vmalert-firing-two-alerts', 'seed-critical', '{}:{alertname="TwoInstancesTest", severity="critical"}', false),
  row('firing-flapping', 'flapping', '{}:{alertname="FlappingTest", severity="warning"}', false),
  row('firing-flapping-refire', 'flapping', '{}:{alertname="FlappingTest", severity="warning"}', false),
  row('resolved', 'flapping', '{}:{alertname="FlappingTest", severity="warning"}', true),
  row('vmalert-resolved', 'flapping', '{}:{alertname="FlappingTest", severity="warning"}', true),
  row('firing-group-with-resolved-alert', 'partial-noncritical', '{}:{alertname="PartialResolveTest", severity="warning"}', false),
  row('firing-truncated', 'default', '{}/{alertname="ManySeriesTest"}:{alertname="ManySeriesTest", severity="info"}', false),
];
