import { randomUUID } from 'node:crypto';
import { SCHEMA_VERSIONS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import type { AppendOptions } from './event.store.js';

/** The envelope metadata an append puts on new events: ids, time, actor, causation, trace. Shared by every `EventLog`. */
export function stampEvents(events: NewEvent[], opts: Omit<AppendOptions, 'expected'>, occurredAt: string, traceparent: string | null): DozorEvent[] {
  return events.map((e, i) => {
    const eventId = opts.eventIds?.[i] ?? randomUUID();
    return {
      type: e.type,
      schemaVersion: SCHEMA_VERSIONS[e.type],
      data: e.data,
      metadata: {
        eventId,
        occurredAt,
        actor: opts.actor,
        source: opts.source,
        causationId: opts.causation?.eventId ?? null,
        correlationId: opts.correlationId ?? opts.causation?.correlationId ?? eventId,
        traceparent,
      },
    } as DozorEvent;
  });
}
