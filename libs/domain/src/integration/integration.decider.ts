/**
 * The integration aggregate: maintenance and debug mode, and heartbeat
 * incidents. Time, the desired config and the last heartbeat come in as data.
 */
import type { DozorEvent, IntegrationMode, NewEvent } from '@dozor/contracts';
import type { Rejection } from '../alert-group/alert-group.commands.js';
import type { Decider, Decision } from '../decider.js';
import { evolveIntegration, heartbeatMissing, initialIntegrationState, type ConfiguredMaintenance, type IntegrationAggregate } from './integration.state.js';

export interface StartMaintenance {
  type: 'StartMaintenance';
  integrationId: string;
  mode: IntegrationMode;
  /** null: until stopped. */
  durationSeconds: number | null;
  origin: 'api' | 'config';
  now: string;
}

export interface StopMaintenance {
  type: 'StopMaintenance';
  integrationId: string;
}

/** The maintenance timer fired. */
export interface ExpireMaintenance {
  type: 'ExpireMaintenance';
  maintenanceId: string;
}

/** At start: bring the mode in line with the integration's `maintenance:` in dozor.yaml. */
export interface ApplyConfiguredMaintenance {
  type: 'ApplyConfiguredMaintenance';
  integrationId: string;
  desired: ConfiguredMaintenance | null;
  now: string;
}

/** A heartbeat timer fired; `lastHeartbeat` is the last HeartbeatReceived of the integration (read by the caller). */
export interface CheckHeartbeat {
  type: 'CheckHeartbeat';
  integrationId: string;
  timerId: string;
  lastHeartbeat: { timerId: string; receivedAt: string; dueAt: string } | null;
}

/** A heartbeat arrived. */
export interface NoteHeartbeat {
  type: 'NoteHeartbeat';
  integrationId: string;
  receivedAt: string;
}

export type IntegrationCommand = StartMaintenance | StopMaintenance | ExpireMaintenance | ApplyConfiguredMaintenance | CheckHeartbeat | NoteHeartbeat;

export type IntegrationDecision = Decision<Rejection>;

const ok = (...events: NewEvent[]): IntegrationDecision => ({ events });

export function decideIntegration(cmd: IntegrationCommand, s: IntegrationAggregate): IntegrationDecision {
  switch (cmd.type) {
    case 'StartMaintenance':
      return start(cmd, s);
    case 'StopMaintenance': {
      const m = s.maintenance;
      if (!m) return { rejected: { code: 'invalid_transition', message: `integration ${cmd.integrationId} is not in maintenance or debug mode` } };
      return ok({
        type: 'IntegrationMaintenanceEnded',
        data: { integrationId: cmd.integrationId, maintenanceId: m.maintenanceId, mode: m.mode, by: 'action' },
      });
    }
    case 'ExpireMaintenance': {
      const m = s.maintenance;
      // A timer of a maintenance that was stopped or replaced has nothing left to end.
      if (!m || m.maintenanceId !== cmd.maintenanceId || m.until === null) return ok();
      return ok({
        type: 'IntegrationMaintenanceEnded',
        data: { integrationId: s.integrationId!, maintenanceId: m.maintenanceId, mode: m.mode, by: 'expired' },
      });
    }
    case 'ApplyConfiguredMaintenance':
      return applyConfigured(cmd, s);
    case 'CheckHeartbeat': {
      const last = cmd.lastHeartbeat;
      // Only the timer of the latest heartbeat counts; one incident at a time.
      if (!last || last.timerId !== cmd.timerId || heartbeatMissing(s)) return ok();
      return ok({
        type: 'HeartbeatMissed',
        data: { integrationId: cmd.integrationId, incidentId: String(s.incidentCount + 1), dueAt: last.dueAt, lastHeartbeatAt: last.receivedAt },
      });
    }
    case 'NoteHeartbeat': {
      const missing = heartbeatMissing(s);
      if (!missing || Date.parse(cmd.receivedAt) <= Date.parse(missing.lastHeartbeatAt)) return ok();
      return ok({ type: 'HeartbeatRestored', data: { integrationId: cmd.integrationId, incidentId: missing.incidentId, receivedAt: cmd.receivedAt } });
    }
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

function start(cmd: StartMaintenance, s: IntegrationAggregate): IntegrationDecision {
  const d = cmd.durationSeconds;
  if (d !== null && (!Number.isInteger(d) || d <= 0))
    return { rejected: { code: 'bad_request', message: `duration must be a positive number of seconds or null (until stopped), got ${d}` } };
  const events: NewEvent[] = [];
  // Starting a mode replaces the one in force (OnCall keeps one at a time).
  if (s.maintenance) {
    events.push({
      type: 'IntegrationMaintenanceEnded',
      data: { integrationId: cmd.integrationId, maintenanceId: s.maintenance.maintenanceId, mode: s.maintenance.mode, by: 'replaced' },
    });
  }
  const n = s.maintenanceCount + 1;
  const startedAt = new Date(Date.parse(cmd.now)).toISOString();
  events.push({
    type: 'IntegrationMaintenanceStarted',
    data: {
      integrationId: cmd.integrationId,
      maintenanceId: `${n}-${Date.parse(startedAt).toString(36)}`,
      mode: cmd.mode,
      startedAt,
      until: d === null ? null : new Date(Date.parse(startedAt) + d * 1000).toISOString(),
      durationSeconds: d,
      origin: cmd.origin,
    },
  });
  return { events };
}

function applyConfigured(cmd: ApplyConfiguredMaintenance, s: IntegrationAggregate): IntegrationDecision {
  const want = cmd.desired;
  const had = s.configured ?? null;
  if (want && had && want.mode === had.mode && want.durationSeconds === had.durationSeconds) return ok();
  if (want)
    return start(
      { type: 'StartMaintenance', integrationId: cmd.integrationId, mode: want.mode, durationSeconds: want.durationSeconds, origin: 'config', now: cmd.now },
      s,
    );
  // Removed from config: end the mode config started; a mode started through the API stays.
  const m = s.maintenance;
  if (had && m && m.origin === 'config') {
    return ok({ type: 'IntegrationMaintenanceEnded', data: { integrationId: cmd.integrationId, maintenanceId: m.maintenanceId, mode: m.mode, by: 'config' } });
  }
  return ok();
}

/** The integration aggregate (`evt.integration.<integrationId>`). */
export const integrationDecider: Decider<IntegrationCommand, DozorEvent, IntegrationAggregate, Rejection> = {
  decide: decideIntegration,
  evolve: evolveIntegration,
  initialState: initialIntegrationState,
};
