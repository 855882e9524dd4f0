/**
 * The one envelope every event in the log has. `data` is the event's own schema,
 * `metadata` is the same for every event.
 */
/** `alertmanager`: an Alertmanager or Grafana Alerting integration; `integration`: another integration kind (webhooks, heartbeats). */
export type Source = 'alertmanager' | 'integration' | 'api' | 'telegram' | 'cli' | 'system';

export interface Actor {
  /** `user` is a Dozor user (config `users[].id`); `system` is a Dozor service; `integration` is an alert source. */
  kind: 'user' | 'system' | 'integration';
  id: string;
  /** Human name for timelines, when known. */
  name?: string;
}

export interface EventMetadata {
  eventId: string;
  /** ISO-8601 UTC instant at which the fact happened. */
  occurredAt: string;
  actor: Actor;
  source: Source;
  /** The event or command that caused this one; null for facts from outside. */
  causationId: string | null;
  /** Shared by every event caused, directly or not, by the same outside fact. */
  correlationId: string;
  /** W3C traceparent of the span that produced the event. */
  traceparent: string | null;
}

export interface EventEnvelope<T extends string = string, D = unknown> {
  type: T;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
}

/** An event as read back from the log: the envelope plus its position. */
export interface RecordedEvent<E extends EventEnvelope = EventEnvelope> {
  event: E;
  subject: string;
  /** Stream sequence: global order in the stream. */
  seq: number;
}

export const SYSTEM_ACTORS = {
  ingest: { kind: 'system', id: 'ingest' },
  router: { kind: 'system', id: 'router' },
  escalator: { kind: 'system', id: 'escalator' },
  scheduler: { kind: 'system', id: 'scheduler' },
  telegram: { kind: 'system', id: 'telegram-notifier' },
  timer: { kind: 'system', id: 'timer' },
  /** Changes made by dozor.yaml, read by the CLI or by a service at start. */
  config: { kind: 'system', id: 'config' },
} as const satisfies Record<string, Actor>;

export function actorLabel(a: Actor): string {
  return a.name ?? `${a.kind}:${a.id}`;
}
