/**
 * Subjects and stream names. Everything takes a prefix so that tests (and
 * several Dozor installations on one NATS) stay apart.
 *
 *   <prefix>.evt.alert-group.<aggregateKey>     AlertReceived and every AlertGroup event
 *   <prefix>.evt.escalation.<alertGroupId>      escalation events, NotificationRequested, TimerFired
 *   <prefix>.evt.escalation-rr.<chainId>:<step>  a round-robin step's turns (EscalationRotationAdvanced), across groups
 *   <prefix>.evt.notification.<alertGroupId>    NotificationDispatching / Sent / Retrying / Failed (claims, message references)
 *   <prefix>.evt.notification.bundle-<id>       NotificationBundled (a storm bundle message and its members)
 *   <prefix>.evt.webhook.<alertGroupId>         outgoing webhook deliveries (claims, attempts), Alertmanager silences
 *   <prefix>.evt.schedule.<scheduleId>          schedule events (shift changes)
 *   <prefix>.evt.integration.<integrationId>    maintenance/debug mode, missed and restored heartbeats, their TimerFired
 *   <prefix>.evt.heartbeat.<integrationId>      HeartbeatReceived (one per heartbeat; only the last one is read)
 *   <prefix>.evt.config.<kind>.<id>             configuration events
 *   <prefix>.evt.user.<userId>                  Telegram verification codes issued, Telegram accounts linked
 *   <prefix>.evt.user.code-<hash20>             a code's index: its TelegramVerificationCodeIssued (found by the code's hash)
 *   <prefix>.cmd.alert-group                    request-reply: action commands for the router
 *   <prefix>.cmd.direct-page                    request-reply: direct pages (POST /api/v1/escalation) for the router
 *   <prefix>.cmd.integration                    request-reply: maintenance/debug mode commands for the router
 *   <prefix>.rpc.oncall                         request-reply: who is on call
 */
export interface Topology {
  prefix: string;
  stream: string;
}

export function topology(prefix = 'dozor', stream?: string): Topology {
  if (!/^[a-zA-Z0-9_-]+$/.test(prefix)) throw new Error(`invalid subject prefix ${JSON.stringify(prefix)}`);
  return { prefix, stream: stream ?? (prefix === 'dozor' ? 'DOZOR_EVENTS' : `${prefix.toUpperCase()}_EVENTS`) };
}

export type AggregateKind =
  'alert-group' | 'escalation' | 'escalation-rr' | 'notification' | 'schedule' | 'config' | 'integration' | 'heartbeat' | 'user' | 'webhook';

export const subjects = {
  all: (t: Topology) => `${t.prefix}.evt.>`,
  of: (t: Topology, kind: AggregateKind, id: string) => `${t.prefix}.evt.${kind}.${assertToken(id)}`,
  allOf: (t: Topology, kind: AggregateKind) => `${t.prefix}.evt.${kind}.>`,
  alertGroup: (t: Topology, aggregateKey: string) => subjects.of(t, 'alert-group', aggregateKey),
  escalation: (t: Topology, alertGroupId: string) => subjects.of(t, 'escalation', alertGroupId),
  /** The turns of one round-robin step of a chain. */
  escalationRotation: (t: Topology, chainId: string, stepIndex: number) => subjects.of(t, 'escalation-rr', `${chainId}:${stepIndex}`),
  notification: (t: Topology, alertGroupId: string) => subjects.of(t, 'notification', alertGroupId),
  webhook: (t: Topology, alertGroupId: string) => subjects.of(t, 'webhook', alertGroupId),
  integration: (t: Topology, integrationId: string) => subjects.of(t, 'integration', integrationId),
  heartbeat: (t: Topology, integrationId: string) => subjects.of(t, 'heartbeat', integrationId),
  user: (t: Topology, userId: string) => subjects.of(t, 'user', userId),
  /** The index subject of a Telegram verification code, from the sha256 (hex) of the code. */
  verificationCode: (t: Topology, codeHash: string) => subjects.of(t, 'user', `code-${codeHash.slice(0, 20)}`),
  alertGroupCommands: (t: Topology) => `${t.prefix}.cmd.alert-group`,
  integrationCommands: (t: Topology) => `${t.prefix}.cmd.integration`,
  directPageCommands: (t: Topology) => `${t.prefix}.cmd.direct-page`,
  onCallQuery: (t: Topology) => `${t.prefix}.rpc.oncall`,
  /** The aggregate kind and id of an event subject. */
  parse(t: Topology, subject: string): { kind: AggregateKind; id: string } | null {
    const head = `${t.prefix}.evt.`;
    if (!subject.startsWith(head)) return null;
    const rest = subject.slice(head.length);
    const dot = rest.indexOf('.');
    if (dot < 0) return null;
    return { kind: rest.slice(0, dot) as AggregateKind, id: rest.slice(dot + 1) };
  },
};

/** A subject token must not contain dots, wildcards or white space. */
export function assertToken(id: string): string {
  if (!/^[A-Za-z0-9_:-]+$/.test(id)) throw new Error(`invalid subject token ${JSON.stringify(id)}`);
  return id;
}
