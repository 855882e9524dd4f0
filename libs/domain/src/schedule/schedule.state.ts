/**
 * The schedule aggregate: everything on `<prefix>.evt.schedule.<id>` folded
 * into one value. Pure: no I/O, no clock. Every replica that reads the subject
 * gets the same state, so they agree on the definition, the swaps and the iCal
 * feeds without sharing memory.
 */
import { isOneOf, SCHEDULE_EVENTS, type DozorEvent, type ScheduleDefinitionJson, type ScheduleOverrideData } from '@dozor/contracts';
import type { ScheduleDef } from './schedule.types.js';

/** The definition an event carries, typed. Version 1 of ScheduleConfigured holds a ScheduleDef as JSON. */
export function fromDefinitionJson(json: ScheduleDefinitionJson): ScheduleDef {
  return json as unknown as ScheduleDef;
}

export type IcalFeed = 'primary' | 'overrides';

export interface IcalFeedState {
  origin: string;
  sha256: string;
  ics: string;
  importedAt: string;
}

export type SwapRecordStatus = 'open' | 'taken' | 'deleted';

export interface SwapState {
  id: string;
  scheduleId: string;
  beneficiary: string;
  benefactor: string | null;
  swapStart: string;
  swapEnd: string;
  description: string | null;
  status: SwapRecordStatus;
  /** The overrides decided when the swap was taken. */
  overrides: ScheduleOverrideData[];
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleAggregate {
  /** From the last ScheduleConfigured; null before the first. */
  definition: ScheduleDef | null;
  definitionSha256: string | null;
  configuredAt: string | null;
  removed: boolean;
  feeds: Record<IcalFeed, IcalFeedState | null>;
  /** In the order they were requested. */
  swaps: SwapState[];
  /** Overrides added through the API and not deleted, in the order they were added. */
  overrides: AddedOverride[];
}

/** An override added through the API (`ScheduleOverrideAdded`). */
export interface AddedOverride {
  name: string | null;
  override: ScheduleOverrideData;
  createdAt: string;
}

export function initialScheduleState(): ScheduleAggregate {
  return { definition: null, definitionSha256: null, configuredAt: null, removed: false, feeds: { primary: null, overrides: null }, swaps: [], overrides: [] };
}

const isScheduleEvent = isOneOf(...SCHEDULE_EVENTS);

export function evolveSchedule(s: ScheduleAggregate, e: DozorEvent): ScheduleAggregate {
  if (!isScheduleEvent(e)) return s; // nothing else is appended to a schedule subject
  const at = e.metadata.occurredAt;
  switch (e.type) {
    case 'ScheduleConfigured':
      return { ...s, definition: fromDefinitionJson(e.data.definition), definitionSha256: e.data.definitionSha256, configuredAt: at, removed: false };
    case 'ScheduleRemoved':
      return { ...s, removed: true, configuredAt: at };
    case 'ScheduleIcalImported':
      return { ...s, feeds: { ...s.feeds, [e.data.feed]: { origin: e.data.origin, sha256: e.data.sha256, ics: e.data.ics, importedAt: at } } };
    case 'ShiftSwapRequested': {
      const d = e.data;
      if (s.swaps.some((w) => w.id === d.swapId)) return s;
      const swap: SwapState = {
        id: d.swapId,
        scheduleId: d.scheduleId,
        beneficiary: d.beneficiary,
        benefactor: null,
        swapStart: d.swapStart,
        swapEnd: d.swapEnd,
        description: d.description,
        status: 'open',
        overrides: [],
        createdAt: at,
        updatedAt: at,
      };
      return { ...s, swaps: [...s.swaps, swap] };
    }
    case 'ShiftSwapTaken':
      return updateSwap(s, e.data.swapId, (w) => ({ ...w, status: 'taken', benefactor: e.data.benefactor, overrides: e.data.overrides, updatedAt: at }));
    case 'ShiftSwapDeleted':
      return updateSwap(s, e.data.swapId, (w) => ({ ...w, status: 'deleted', updatedAt: at }));
    case 'ScheduleOverrideAdded':
      if (s.overrides.some((o) => o.override.id === e.data.override.id)) return s;
      return { ...s, overrides: [...s.overrides, { name: e.data.name, override: e.data.override, createdAt: at }] };
    case 'ScheduleOverrideDeleted':
      return { ...s, overrides: s.overrides.filter((o) => o.override.id !== e.data.overrideId) };
    default: {
      const never: never = e;
      return never;
    }
  }
}

function updateSwap(s: ScheduleAggregate, id: string, f: (w: SwapState) => SwapState): ScheduleAggregate {
  return { ...s, swaps: s.swaps.map((w) => (w.id === id ? f(w) : w)) };
}

/** Overrides of every taken, not deleted swap, in the order they were taken. */
export function swapOverrides(s: ScheduleAggregate): ScheduleOverrideData[] {
  return s.swaps.filter((w) => w.status === 'taken').flatMap((w) => w.overrides);
}

/** Overrides added through the API, in the order they were added. */
export function addedOverrides(s: ScheduleAggregate): ScheduleOverrideData[] {
  return s.overrides.map((o) => o.override);
}

/** What OnCall shows: a request nobody took is `past_due` once its start has passed. */
export type SwapStatus = 'open' | 'taken' | 'past_due' | 'deleted';

export function swapStatus(w: SwapState, nowMs: number): SwapStatus {
  if (w.status !== 'open') return w.status;
  return Date.parse(w.swapStart) <= nowMs ? 'past_due' : 'open';
}
