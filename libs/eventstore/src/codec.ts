import { gzipSync, gunzipSync } from 'node:zlib';
import { upcast, type DozorEvent, type EventEnvelope } from '@dozor/contracts';

/**
 * One NATS message is one commit: the events one decision produced, appended
 * atomically (nats-server 2.9 has no atomic batches). The body is JSON,
 * gzip-compressed when it would not fit the server's max_payload otherwise.
 */
export interface CommitBody {
  events: EventEnvelope[];
}

export const HDR_TYPES = 'Dozor-Event-Types';
export const HDR_ENCODING = 'Dozor-Encoding';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeCommit(events: EventEnvelope[], maxPayload: number): { body: Uint8Array; gzip: boolean } {
  const json = enc.encode(JSON.stringify({ events } satisfies CommitBody));
  if (json.length <= maxPayload - 4096) return { body: json, gzip: false };
  const gz = gzipSync(json, { level: 6 });
  if (gz.length > maxPayload - 4096) throw new CommitTooLargeError(json.length, gz.length, maxPayload);
  return { body: gz, gzip: true };
}

export function decodeCommit(body: Uint8Array, gzip: boolean): DozorEvent[] {
  const raw = gzip ? gunzipSync(body) : body;
  const parsed = JSON.parse(dec.decode(raw)) as CommitBody;
  return parsed.events.map(upcast);
}

export class CommitTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly compressed: number,
    readonly maxPayload: number,
  ) {
    super(`event commit of ${bytes} bytes (${compressed} compressed) exceeds the event log's message limit of ${maxPayload} bytes`);
  }
}
