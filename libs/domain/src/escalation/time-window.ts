/**
 * The daily window of a `notify_if_time_from_to` step, in an IANA zone's wall
 * clock. `from` and `to` are `HH:MM` (or `HH:MM:SS`) local times; the window is
 * [from, to), across midnight when `to` is earlier than `from`, and the whole
 * day when they are equal. Wall clock and instants map through ZoneClock, so a
 * window keeps its local hours across a DST change, and an opening time that a
 * spring-forward night skips opens at the end of the gap.
 */
import { DAY } from '../schedule/local-time.js';
import { zoneClock } from '../schedule/zone-offsets.js';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** Milliseconds after local midnight of `HH:MM[:SS]`, or null when it is not such a time. */
export function timeOfDayMs(text: string): number | null {
  const m = TIME.exec(text);
  if (!m) return null;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** null when `now` is inside the window; else the instant (ISO) the window next opens. */
export function timeWindowOpensAt(now: string, window: { from: string; to: string; timeZone: string }): string | null {
  const from = timeOfDayMs(window.from);
  const to = timeOfDayMs(window.to);
  if (from === null || to === null) throw new RangeError(`invalid time window ${window.from}-${window.to}`);
  if (from === to) return null;
  const clock = zoneClock(window.timeZone);
  const nowMs = Date.parse(now);
  const local = clock.toLocal(nowMs);
  const tod = ((local % DAY) + DAY) % DAY;
  const inside = from < to ? tod >= from && tod < to : tod >= from || tod < to;
  if (inside) return null;
  const midnight = local - tod;
  let opens = clock.toInstant(midnight + from);
  if (opens <= nowMs) opens = clock.toInstant(midnight + DAY + from);
  return new Date(opens).toISOString();
}
