import type { IntegrationKind } from '@dozor/contracts';

/**
 * What `GET /integrations/v1/<kind>/<token>/` answers: how to send to an
 * integration of that kind. The same text whatever the token, so it reveals
 * neither whether a token exists nor anything about other integrations.
 */
export function helpPage(kind: IntegrationKind): string {
  const common = [
    '',
    'Answers: 200 accepted (stored before the answer); 400 invalid payload (the reason is in "detail");',
    '403 unknown token; 413 body too large; 415 not JSON; 503 the event log is unavailable, retry.',
    '',
    'Heartbeat: GET or POST this address followed by heartbeat/ (when the integration has `heartbeat:` in dozor.yaml).',
    'A missed heartbeat raises the alert DozorHeartbeatMissing through this integration; the next heartbeat resolves it.',
    '',
  ];
  switch (kind) {
    case 'alertmanager':
    case 'grafana_alerting':
      return [
        `Dozor ${kind} integration.`,
        '',
        'Send Alertmanager webhooks (version 4) here: POST, Content-Type: application/json. In alertmanager.yml:',
        '',
        '  receivers:',
        '    - name: dozor',
        '      webhook_configs:',
        '        - url: <this address>',
        '          send_resolved: true',
        '',
        'Grafana Alerting: a webhook contact point with this address. vmalert: through Alertmanager.',
        'Alerts are grouped by groupKey; status "resolved" resolves the group.',
        'Over the rate limit the answer is 503, so that Alertmanager retries.',
        ...common,
      ].join('\n');
    case 'webhook':
      return [
        'Dozor webhook integration.',
        '',
        'POST any JSON object here, Content-Type: application/json, for example:',
        '',
        `  curl -X POST -H 'Content-Type: application/json' -d '{"title": "Disk full", "state": "alerting"}' <this address>`,
        '',
        'Identical payloads group together; "state": "OK" resolves the group. Over the rate limit: 429 with Retry-After.',
        ...common,
      ].join('\n');
    case 'formatted_webhook':
      return [
        'Dozor formatted webhook integration.',
        '',
        'POST a JSON object with these fields, Content-Type: application/json:',
        '',
        '  alert_uid                  groups alerts (same uid, same alert group)',
        '  title, message             what people read',
        '  image_url                  optional picture',
        '  link_to_upstream_details   link to the source',
        '  state                      "alerting", or "ok" to resolve',
        '',
        'Over the rate limit: 429 with Retry-After.',
        ...common,
      ].join('\n');
    default: {
      const never: never = kind;
      return String(never);
    }
  }
}
