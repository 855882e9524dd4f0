import { parseDateTimeText } from './local-time.js';
import type { ZoneClock } from './zone-offsets.js';

function parseOrThrow(text: string) {
  const p = parseDateTimeText(text);
  if (!p) throw new RangeError(`not a date-time: '${text}'`);
  return p;
}

/** The wall-clock value of a date-time text in a zone (text with an offset is converted). */
export function localOfText(text: string, clock: ZoneClock): number {
  const p = parseOrThrow(text);
  return p.offset === null ? p.local : clock.toLocal(p.local - p.offset);
}

/** The instant of a date-time text; wall-clock text is read in the zone. */
export function instantOfText(text: string, clock: ZoneClock): number {
  const p = parseOrThrow(text);
  return p.offset === null ? clock.toInstant(p.local) : p.local - p.offset;
}

/** The instant a date-time text names when it carries `Z` or an offset; null for wall-clock text. */
export function writtenInstant(text: string): number | null {
  const p = parseOrThrow(text);
  return p.offset === null ? null : p.local - p.offset;
}
