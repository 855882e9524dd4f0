/** Every shift of a schedule in a window, before layers are resolved. */
import type { LayerShift, OverrideDef, ScheduleDef, SingleShiftDef } from './schedule.types.js';
import { isoOf } from './local-time.js';
import { expandRotation, type RawShift } from './rotation.js';
import { localOfText, writtenInstant } from './date-text.js';
import { zoneClock } from './zone-offsets.js';

/** Shifts intersecting [fromMs, toMs), clipped to it: overrides first, then rotations, then single shifts. */
export function collectShifts(schedule: ScheduleDef, fromMs: number, toMs: number): RawShift[] {
  const out: RawShift[] = [];
  if (!(fromMs < toMs)) return out;
  for (const o of schedule.overrides) oneShot(o, 'override', 1, fromMs, toMs, out);
  for (const r of schedule.rotations) expandRotation(r, fromMs, toMs, out);
  for (const s of schedule.singles) oneShot(s, 'single', 0, fromMs, toMs, out);
  for (let i = 0; i < out.length; i++) out[i]!.seq = i;
  return out;
}

/**
 * A start written as an instant is that instant and the duration is real time
 * (an override declared from 00:00Z to 03:00Z lasts three hours on any night);
 * a wall-clock start and its duration are read on the zone's wall clock.
 */
function oneShot(def: SingleShiftDef | OverrideDef, kind: 'single' | 'override', tier: 0 | 1, fromMs: number, toMs: number, out: RawShift[]): void {
  const written = writtenInstant(def.start);
  let start: number;
  let end: number;
  if (written !== null) {
    start = written;
    end = written + def.duration * 1000;
  } else {
    const clock = zoneClock(def.timeZone);
    const local = localOfText(def.start, clock);
    start = clock.toInstant(local);
    end = clock.toInstant(local + def.duration * 1000);
  }
  const s = Math.max(start, fromMs);
  const e = Math.min(end, toMs);
  if (s < e) out.push({ s, e, users: def.users, kind, id: def.id, level: def.level, tier, groupIndex: null, seq: 0 });
}

export function toLayerShift(r: RawShift): LayerShift {
  return {
    start: isoOf(r.s),
    end: isoOf(r.e),
    users: [...r.users],
    source: { kind: r.kind, id: r.id, level: r.level },
    groupIndex: r.groupIndex,
  };
}
