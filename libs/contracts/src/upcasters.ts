import type { EventEnvelope } from './envelope.js';
import { SCHEMA_VERSIONS, isEventType, type DozorEvent } from './events.js';

/**
 * An upcaster lifts one event type from version `from` to `from + 1`. Old events
 * stay in the log as written; readers upcast them on the way in.
 */
export interface Upcaster {
  type: string;
  from: number;
  up(data: unknown): unknown;
}

const registry: Upcaster[] = [];

export function registerUpcaster(u: Upcaster): void {
  registry.push(u);
}

export class UnknownEventError extends Error {}

/** Brings an envelope read from the log to the current schema version of its type. */
export function upcast(e: EventEnvelope): DozorEvent {
  if (!isEventType(e.type)) throw new UnknownEventError(`unknown event type ${JSON.stringify(e.type)}`);
  const target = SCHEMA_VERSIONS[e.type];
  let { schemaVersion, data } = e;
  while (schemaVersion < target) {
    const u = registry.find((r) => r.type === e.type && r.from === schemaVersion);
    if (!u) throw new UnknownEventError(`no upcaster for ${e.type} v${schemaVersion}`);
    data = u.up(data);
    schemaVersion++;
  }
  if (schemaVersion > target) throw new UnknownEventError(`${e.type} v${schemaVersion} is newer than this build (v${target})`);
  return { ...e, schemaVersion, data } as DozorEvent;
}
