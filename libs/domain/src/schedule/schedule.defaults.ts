/** Builders that fill a definition's optional fields with the defaults dozor.yaml uses. */
import type { OverrideDef, RotationDef, ScheduleDef, SingleShiftDef } from './schedule.types.js';

export type RotationInit = Pick<RotationDef, 'id' | 'frequency' | 'start' | 'duration' | 'rollingUsers'> & Partial<RotationDef>;

export function defineRotation(init: RotationInit): RotationDef {
  return {
    name: init.id,
    interval: 1,
    rotationStart: null,
    until: null,
    byDay: [],
    byMonth: [],
    byMonthday: [],
    weekStart: 'SU',
    startRotationFromUserIndex: 0,
    timeZone: 'UTC',
    level: 0,
    ...init,
  };
}

export type ScheduleInit = Pick<ScheduleDef, 'id'> & Partial<ScheduleDef>;

export function defineSchedule(init: ScheduleInit): ScheduleDef {
  return { name: init.id, type: 'calendar', timeZone: 'UTC', rotations: [], singles: [], overrides: [], ical: null, ...init };
}

export function defineOverride(init: Pick<OverrideDef, 'id' | 'start' | 'duration' | 'users'> & Partial<OverrideDef>): OverrideDef {
  return { timeZone: 'UTC', level: 0, ...init };
}

export function defineSingleShift(init: Pick<SingleShiftDef, 'id' | 'start' | 'duration' | 'users'> & Partial<SingleShiftDef>): SingleShiftDef {
  return { name: init.id, timeZone: 'UTC', level: 0, ...init };
}
