/**
 * Shift swaps as a pure decision. A user asks for a replacement over an
 * interval and another user takes it; the outcome is the overrides that put the
 * taker in the requester's place wherever the requester is on call in that
 * interval. Co-workers on the same shift stay on call. The overrides sit one
 * level above every existing override, so they win even over an override that
 * put the requester on call.
 */
import type { InstantInput, OverrideDef, ScheduleDef } from './schedule.types.js';
import { toEpochMs } from './local-time.js';
import { collectShifts } from './layer-shifts.js';
import { resolveLayers } from './final-schedule.js';

export interface ShiftSwapRequest {
  /** Id for the resulting override(s); several get `-1`, `-2`, ... suffixes. */
  id: string;
  /** The user who asks to be replaced. */
  requester: string;
  /** The user who takes the interval. */
  taker: string;
  start: InstantInput;
  end: InstantInput;
}

export type ShiftSwapRejection = 'invalid_interval' | 'same_user' | 'requester_not_on_call';

export type ShiftSwapDecision = { ok: true; overrides: OverrideDef[] } | { ok: false; reason: ShiftSwapRejection; message: string };

export function decideShiftSwap(schedule: ScheduleDef, req: ShiftSwapRequest): ShiftSwapDecision {
  const s = toEpochMs(req.start);
  const e = toEpochMs(req.end);
  if (!(s < e)) return { ok: false, reason: 'invalid_interval', message: 'the swap interval must end after it starts' };
  if (req.requester === req.taker) return { ok: false, reason: 'same_user', message: 'a user cannot take their own shift' };

  const pieces: { s: number; e: number; users: string[] }[] = [];
  for (const seg of resolveLayers(collectShifts(schedule, s, e), s, e)) {
    if (!seg.users.includes(req.requester)) continue;
    const users = [...new Set(seg.users.map((u) => (u === req.requester ? req.taker : u)))];
    const prev = pieces[pieces.length - 1];
    if (prev && prev.e === seg.s && sameUsers(prev.users, users)) prev.e = seg.e;
    else pieces.push({ s: seg.s, e: seg.e, users });
  }
  if (pieces.length === 0) {
    return { ok: false, reason: 'requester_not_on_call', message: `${req.requester} is not on call in the requested interval` };
  }
  const level = schedule.overrides.reduce((max, o) => Math.max(max, o.level + 1), 0);
  const overrides = pieces.map((p, i): OverrideDef => ({
    id: pieces.length === 1 ? req.id : `${req.id}-${i + 1}`,
    start: new Date(p.s).toISOString(),
    duration: (p.e - p.s) / 1000,
    users: p.users,
    timeZone: 'UTC',
    level,
  }));
  return { ok: true, overrides };
}

function sameUsers(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((u, i) => u === b[i]);
}
