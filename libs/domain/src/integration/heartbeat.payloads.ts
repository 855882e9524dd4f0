/**
 * The alert a missed heartbeat raises, in the integration's own format, so it
 * goes through the integration's grouping, routes and escalation like any
 * alert. Firing when the heartbeat is missed, resolved when it is back; both
 * render to the same grouping id with the default templates.
 */
import { isAlertmanagerKind, type IntegrationKind, type IntegrationPayload } from '@dozor/contracts';

export const HEARTBEAT_ALERT_NAME = 'DozorHeartbeatMissing';

export interface HeartbeatAlertInput {
  integrationId: string;
  integrationName: string;
  status: 'missed' | 'restored';
  /** When the heartbeat was due (the alert's start). */
  dueAt: string;
  lastHeartbeatAt: string;
  /** When the heartbeat came back (the alert's end), for `restored`. */
  restoredAt: string | null;
  timeoutSeconds: number;
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** 64-bit FNV-1a as 16 hex digits: Alertmanager's fingerprint identifies a label set, so the same labels give the same one. */
export function labelFingerprint(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u00ff${labels[k]}\u00ff`)
    .join('');
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

function seconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

export function heartbeatAlertPayload(kind: IntegrationKind, i: HeartbeatAlertInput): IntegrationPayload {
  const missed = i.status === 'missed';
  const summary = `No heartbeat from integration ${i.integrationName} for ${seconds(i.timeoutSeconds)}`;
  const description = missed
    ? `The last heartbeat arrived at ${i.lastHeartbeatAt}; the next was due by ${i.dueAt}.`
    : `Heartbeats are arriving again (${i.restoredAt ?? i.dueAt}).`;
  if (isAlertmanagerKind(kind)) {
    const labels = { alertname: HEARTBEAT_ALERT_NAME, integration: i.integrationId, severity: 'critical' };
    const annotations = { summary, description };
    return {
      receiver: 'dozor-heartbeat',
      status: missed ? 'firing' : 'resolved',
      alerts: [
        {
          status: missed ? 'firing' : 'resolved',
          labels,
          annotations,
          startsAt: i.dueAt,
          endsAt: missed ? GO_ZERO_TIME : (i.restoredAt ?? i.dueAt),
          generatorURL: '',
          fingerprint: labelFingerprint(labels),
        },
      ],
      groupLabels: { alertname: HEARTBEAT_ALERT_NAME },
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: '',
      version: '4',
      groupKey: `{}:{alertname="${HEARTBEAT_ALERT_NAME}"}`,
      truncatedAlerts: 0,
    };
  }
  // OnCall's heartbeat payload for (formatted) webhooks, plus the alert name.
  return {
    alert_uid: `dozor-heartbeat-${i.integrationId}`,
    title: `${HEARTBEAT_ALERT_NAME}: ${i.integrationName}`,
    message: `${summary}. ${description}`,
    image_url: null,
    link_to_upstream_details: null,
    state: missed ? 'alerting' : 'OK',
    is_oncall_heartbeat: true,
    is_oncall_heartbeat_restored: !missed,
    alertname: HEARTBEAT_ALERT_NAME,
    labels: { alertname: HEARTBEAT_ALERT_NAME, integration: i.integrationId },
  };
}
