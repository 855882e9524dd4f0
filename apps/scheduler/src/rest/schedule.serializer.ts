/**
 * JSON shapes of the schedule endpoints, Grafana OnCall's public API where it
 * has them (schedules, final_shifts, on_call_shifts, shift_swaps). Users are
 * Dozor user ids where OnCall has user public keys.
 */
import type { FinalShift, OverrideDef, RotationDef, ScheduleDef, SingleShiftDef } from '@dozor/domain';
import type { UserConfig } from '@dozor/config';
import type { LoadedSchedule } from '../schedule/schedule.repository.js';
import { redactUrl } from '../schedule/schedule-definition.js';
import { swapStatus, type SwapState } from '@dozor/domain';

export function serializeSchedule(s: LoadedSchedule, onCallNow: string[]) {
  const d = s.definition;
  const overridesUrl = redactUrl(d.ical?.overridesUrl ?? null);
  if (d.type === 'ical') {
    return {
      id: d.id,
      name: d.name,
      type: 'ical' as const,
      team_id: null,
      ical_url_primary: redactUrl(d.ical?.url ?? null),
      ical_url_overrides: overridesUrl,
      on_call_now: onCallNow,
      slack: null,
    };
  }
  return {
    id: d.id,
    name: d.name,
    type: 'calendar' as const,
    team_id: null,
    time_zone: d.timeZone,
    on_call_now: onCallNow,
    shifts: [...d.rotations, ...d.singles, ...d.overrides].map((x) => x.id),
    ical_url_overrides: overridesUrl,
    enable_web_overrides: false,
    slack: null,
  };
}

export interface FinalShiftRow {
  user_pk: string;
  user_email: string | null;
  user_username: string;
  shift_start: string;
  shift_end: string;
}

/** One row per user per final shift; gaps and empty shifts have no row. */
export function finalShiftRows(shifts: FinalShift[], users: readonly UserConfig[]): FinalShiftRow[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  return shifts.flatMap((s) =>
    s.users.map((id) => {
      const u = byId.get(id);
      return { user_pk: id, user_email: u?.email ?? null, user_username: u?.name ?? id, shift_start: s.start, shift_end: s.end };
    }),
  );
}

const nullIfEmpty = <T>(xs: T[]): T[] | null => (xs.length ? xs : null);

export function serializeRotation(r: RotationDef, scheduleId: string) {
  const rolling = r.rollingUsers.length !== 1;
  return {
    id: r.id,
    schedule_id: scheduleId,
    team_id: null,
    name: r.name,
    type: rolling ? ('rolling_users' as const) : ('recurrent_event' as const),
    time_zone: r.timeZone,
    level: r.level,
    start: r.start,
    duration: r.duration,
    rotation_start: r.rotationStart ?? r.start,
    frequency: r.frequency,
    interval: r.interval,
    until: r.until,
    ...(r.frequency === 'weekly' ? { week_start: r.weekStart } : {}),
    by_day: nullIfEmpty(r.byDay),
    by_month: nullIfEmpty(r.byMonth),
    by_monthday: nullIfEmpty(r.byMonthday),
    ...(rolling ? { rolling_users: r.rollingUsers, start_rotation_from_user_index: r.startRotationFromUserIndex } : { users: r.rollingUsers[0] ?? [] }),
  };
}

export function serializeSingle(s: SingleShiftDef, scheduleId: string) {
  return {
    id: s.id,
    schedule_id: scheduleId,
    team_id: null,
    name: s.name,
    type: 'single_event' as const,
    time_zone: s.timeZone,
    level: s.level,
    start: s.start,
    duration: s.duration,
    rotation_start: s.start,
    users: s.users,
  };
}

/** OnCall drops `level` from overrides; Dozor's overrides have levels, so it stays. `shift_swap` names the swap that made it. */
export function serializeOverride(o: OverrideDef, scheduleId: string, shiftSwap: string | null) {
  return {
    id: o.id,
    schedule_id: scheduleId,
    team_id: null,
    name: o.id,
    type: 'override' as const,
    time_zone: o.timeZone,
    level: o.level,
    start: o.start,
    duration: o.duration,
    rotation_start: o.start,
    users: o.users,
    shift_swap: shiftSwap,
  };
}

export type OnCallShiftJson = ReturnType<typeof serializeRotation> | ReturnType<typeof serializeSingle> | ReturnType<typeof serializeOverride>;

/** Every shift definition of a schedule: rotations, single events, overrides from config, and overrides from taken swaps. */
export function onCallShiftsOf(s: LoadedSchedule): OnCallShiftJson[] {
  const d: ScheduleDef = s.definition;
  const out: OnCallShiftJson[] = [
    ...d.rotations.map((r) => serializeRotation(r, d.id)),
    ...d.singles.map((x) => serializeSingle(x, d.id)),
    ...d.overrides.map((o) => serializeOverride(o, d.id, null)),
  ];
  for (const w of s.state.swaps) if (w.status === 'taken') for (const o of w.overrides) out.push(serializeOverride(o as OverrideDef, d.id, w.id));
  for (const a of s.state.overrides) out.push({ ...serializeOverride(a.override as OverrideDef, d.id, null), name: a.name ?? a.override.id });
  return out;
}

export function serializeSwapSummary(w: SwapState, nowMs: number) {
  return {
    id: w.id,
    schedule: w.scheduleId,
    swap_start: w.swapStart,
    swap_end: w.swapEnd,
    beneficiary: w.beneficiary,
    benefactor: w.benefactor,
    description: w.description,
    status: swapStatus(w, nowMs),
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

/** The detail adds the shifts the swap is about: the beneficiary's while open, the benefactor's overrides once taken. */
export function serializeSwap(w: SwapState, nowMs: number, finalShifts: FinalShift[], users: readonly UserConfig[]) {
  const byId = new Map(users.map((u) => [u.id, u]));
  const overrideIds = new Set(w.overrides.map((o) => o.id));
  const relevant = finalShifts.filter((f) =>
    w.status === 'taken' ? f.source?.kind === 'override' && overrideIds.has(f.source.id) : f.users.includes(w.beneficiary),
  );
  return {
    ...serializeSwapSummary(w, nowMs),
    shifts: relevant.map((f) => ({
      start: f.start,
      end: f.end,
      is_gap: false,
      is_empty: f.users.length === 0,
      is_override: f.source?.kind === 'override',
      priority_level: f.source?.level ?? 0,
      shift: { pk: f.source?.id ?? null },
      users: f.users.map((id) => ({ pk: id, display_name: byId.get(id)?.name ?? id, email: byId.get(id)?.email ?? null })),
    })),
  };
}
