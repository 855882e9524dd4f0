/**
 * The final schedule: overrides beat every layer, then higher levels beat lower
 * ones. Lower shifts are cut around higher ones, users of shifts that share the
 * top priority are merged, and time nobody covers is an explicit gap, so the
 * result partitions [from, to) exactly.
 *
 * A shift with nobody in it (an empty rotation group, an iCal event whose users
 * are unknown) yields to every shift that has users, as OnCall's
 * `_resolve_schedule` skips empty events: the level below shows through. Where
 * nothing with users lies below, the empty shift itself is the final shift, so
 * the time is reported as an empty shift and not as a gap, again as in OnCall.
 */
import type { FinalShift, InstantInput, LayerShift, ScheduleDef } from './schedule.types.js';
import { isoOf, toEpochMs } from './local-time.js';
import type { RawShift } from './rotation.js';
import { collectShifts, toLayerShift } from './layer-shifts.js';

/** Ordered, non-overlapping shifts covering [from, to) exactly once, gaps included. */
export function finalSchedule(schedule: ScheduleDef, from: InstantInput, to: InstantInput): FinalShift[] {
  const fromMs = toEpochMs(from);
  const toMs = toEpochMs(to);
  if (!(fromMs < toMs)) return [];
  return resolveLayers(collectShifts(schedule, fromMs, toMs), fromMs, toMs).map(toFinalShift);
}

/** The users on call at an instant (empty when nobody is). */
export function onCallAt(schedule: ScheduleDef, at: InstantInput): string[] {
  const t = toEpochMs(at);
  const seg = resolveLayers(collectShifts(schedule, t, t + 1), t, t + 1)[0];
  return seg ? [...seg.users] : [];
}

/** Every layer, single and override shift intersecting [from, to), unresolved, ordered by start. */
export function expandShifts(schedule: ScheduleDef, from: InstantInput, to: InstantInput): LayerShift[] {
  const raw = collectShifts(schedule, toEpochMs(from), toEpochMs(to));
  raw.sort((a, b) => a.s - b.s || a.seq - b.seq);
  return raw.map(toLayerShift);
}

/** A resolved piece, in epoch ms. `top` is empty for a gap. */
export interface Segment {
  s: number;
  e: number;
  users: string[];
  top: RawShift[];
}

function outranks(a: RawShift, b: RawShift): number {
  return staffed(a) - staffed(b) || a.tier - b.tier || a.level - b.level;
}

function staffed(r: RawShift): number {
  return r.users.length > 0 ? 1 : 0;
}

/** Sweep over shift boundaries; O(n log n + boundaries × active shifts). */
export function resolveLayers(shifts: RawShift[], fromMs: number, toMs: number): Segment[] {
  const n = shifts.length;
  // boundary events: start as index, end as ~index; sorted by time
  const times = new Float64Array(2 * n);
  const order = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    times[2 * i] = shifts[i]!.s;
    times[2 * i + 1] = shifts[i]!.e;
    order[2 * i] = 2 * i;
    order[2 * i + 1] = 2 * i + 1;
  }
  order.sort((a, b) => times[a]! - times[b]!);

  const active: number[] = [];
  const pos = new Int32Array(n).fill(-1);
  const out: Segment[] = [];
  let cursor = fromMs;
  let k = 0;
  const m = order.length;
  while (cursor < toMs) {
    // apply every event at `cursor`
    while (k < m && times[order[k]!]! <= cursor) {
      const ev = order[k++]!;
      const i = ev >> 1;
      if ((ev & 1) === 0) {
        pos[i] = active.length;
        active.push(i);
      } else if (pos[i]! >= 0) {
        const p = pos[i]!;
        const last = active.pop()!;
        if (last !== i) {
          active[p] = last;
          pos[last] = p;
        }
        pos[i] = -1;
      }
    }
    const next = k < m ? Math.min(times[order[k]!]!, toMs) : toMs;
    const top = topOf(shifts, active);
    const prev = out[out.length - 1];
    if (prev && sameShifts(prev.top, top)) prev.e = next;
    else out.push({ s: cursor, e: next, users: usersOf(top), top });
    cursor = next;
  }
  return out;
}

function topOf(shifts: RawShift[], active: number[]): RawShift[] {
  if (active.length === 0) return [];
  let best = shifts[active[0]!]!;
  for (let j = 1; j < active.length; j++) {
    const c = shifts[active[j]!]!;
    if (outranks(c, best) > 0) best = c;
  }
  if (active.length === 1) return [best];
  const top: RawShift[] = [];
  for (const i of active) {
    const c = shifts[i]!;
    if (outranks(c, best) === 0) top.push(c);
  }
  if (top.length > 1) top.sort((a, b) => a.seq - b.seq);
  return top;
}

function sameShifts(a: RawShift[], b: RawShift[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function usersOf(top: RawShift[]): string[] {
  if (top.length === 1) return top[0]!.users;
  const seen = new Set<string>();
  for (const t of top) for (const u of t.users) seen.add(u);
  return [...seen];
}

function toFinalShift(seg: Segment): FinalShift {
  const head = seg.top[0];
  if (!head) return { start: isoOf(seg.s), end: isoOf(seg.e), users: [], source: null, gap: true };
  return { start: isoOf(seg.s), end: isoOf(seg.e), users: [...seg.users], source: { kind: head.kind, id: head.id, level: head.level } };
}
