import { describe, expect, it } from 'vitest';
import { heartbeatTimerId, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { deciderSpec, oneOfType } from '@dozor/testing';
import { activeMaintenance, decideIntegration, evolveIntegration, heartbeatMissing, initialIntegrationState, type IntegrationCommand } from './index.js';

const NOW = '2026-11-24T01:00:00.000Z';
let n = 0;
const toEvent = (e: NewEvent): DozorEvent =>
  ({
    ...e,
    schemaVersion: 1,
    metadata: {
      eventId: `e${++n}`,
      occurredAt: NOW,
      actor: { kind: 'user', id: 'api' },
      source: 'api',
      causationId: null,
      correlationId: 'c',
      traceparent: null,
    },
  }) as DozorEvent;
const spec = deciderSpec(
  { decide: (c: IntegrationCommand, s) => decideIntegration(c, s), evolve: evolveIntegration, initialState: initialIntegrationState },
  toEvent,
);
const after = (h: NewEvent[], cmd: IntegrationCommand) => [
  ...h,
  ...spec
    .given(h)
    .when(cmd)
    .then(() => {}),
];
const stateOf = (h: NewEvent[]) => h.map(toEvent).reduce(evolveIntegration, initialIntegrationState());

const start = (mode: 'maintenance' | 'debug', durationSeconds: number | null, origin: 'api' | 'config' = 'api'): IntegrationCommand => ({
  type: 'StartMaintenance',
  integrationId: 'am',
  mode,
  durationSeconds,
  origin,
  now: NOW,
});

describe('integration decider: maintenance and debug mode', () => {
  it('starts a mode for a duration', () => {
    spec
      .given([])
      .when(start('maintenance', 3600))
      .then([
        {
          type: 'IntegrationMaintenanceStarted',
          data: { integrationId: 'am', mode: 'maintenance', startedAt: NOW, until: '2026-11-24T02:00:00.000Z', durationSeconds: 3600, origin: 'api' },
        },
      ]);
  });

  it('until stopped has no end and no timer', () => {
    spec
      .given([])
      .when(start('debug', null))
      .then([{ type: 'IntegrationMaintenanceStarted', data: { mode: 'debug', until: null } }]);
  });

  it('each maintenance gets its own id (its group collects its alerts only)', () => {
    const h = after(after(after([], start('maintenance', 3600)), { type: 'StopMaintenance', integrationId: 'am' }), start('maintenance', 3600));
    const ids = h.filter((e) => e.type === 'IntegrationMaintenanceStarted').map((e) => (e.data as { maintenanceId: string }).maintenanceId);
    expect(new Set(ids).size).toBe(2);
  });

  it('a new mode replaces the one in force', () => {
    const h = after([], start('debug', 3600));
    const id = stateOf(h).maintenance!.maintenanceId;
    spec
      .given(h)
      .when(start('maintenance', null))
      .then([
        { type: 'IntegrationMaintenanceEnded', data: { maintenanceId: id, mode: 'debug', by: 'replaced' } },
        { type: 'IntegrationMaintenanceStarted', data: { mode: 'maintenance' } },
      ]);
  });

  it('stops, and refuses to stop what is not running', () => {
    const h = after([], start('maintenance', 3600));
    spec
      .given(h)
      .when({ type: 'StopMaintenance', integrationId: 'am' })
      .then([{ type: 'IntegrationMaintenanceEnded', data: { mode: 'maintenance', by: 'action' } }]);
    spec
      .given([])
      .when({ type: 'StopMaintenance', integrationId: 'am' })
      .thenRejected('invalid_transition', /not in maintenance or debug mode/);
  });

  it('rejects a bad duration', () => spec.given([]).when(start('debug', -1)).thenRejected('bad_request'));

  it('expires on its own timer only', () => {
    const h = after([], start('maintenance', 3600));
    const id = stateOf(h).maintenance!.maintenanceId;
    spec
      .given(h)
      .when({ type: 'ExpireMaintenance', maintenanceId: id })
      .then([{ type: 'IntegrationMaintenanceEnded', data: { maintenanceId: id, by: 'expired' } }]);
    spec.given(h).when({ type: 'ExpireMaintenance', maintenanceId: 'other' }).thenNothingHappened();
    const stopped = after(h, { type: 'StopMaintenance', integrationId: 'am' });
    spec.given(stopped).when({ type: 'ExpireMaintenance', maintenanceId: id }).thenNothingHappened();
  });

  it('a mode past its end no longer counts, even before its timer fires', () => {
    const s = stateOf(after([], start('debug', 3600)));
    expect(activeMaintenance(s, '2026-11-24T01:59:59.999Z')?.mode).toBe('debug');
    expect(activeMaintenance(s, '2026-11-24T02:00:00.000Z')).toBeNull();
  });
});

describe('integration decider: maintenance from dozor.yaml', () => {
  const apply = (desired: { mode: 'maintenance' | 'debug'; durationSeconds: number | null } | null): IntegrationCommand => ({
    type: 'ApplyConfiguredMaintenance',
    integrationId: 'am',
    desired,
    now: NOW,
  });

  it('applies a configured mode once: a restart with the same config changes nothing', () => {
    const h = after([], apply({ mode: 'debug', durationSeconds: 3600 }));
    expect(oneOfType(h, 'IntegrationMaintenanceStarted')).toMatchObject({ data: { mode: 'debug', origin: 'config' } });
    spec
      .given(h)
      .when(apply({ mode: 'debug', durationSeconds: 3600 }))
      .thenNothingHappened();
    const expired = after(h, { type: 'ExpireMaintenance', maintenanceId: stateOf(h).maintenance!.maintenanceId });
    spec
      .given(expired)
      .when(apply({ mode: 'debug', durationSeconds: 3600 }))
      .thenNothingHappened();
  });

  it('a changed value applies again', () => {
    const h = after([], apply({ mode: 'debug', durationSeconds: 3600 }));
    spec
      .given(h)
      .when(apply({ mode: 'maintenance', durationSeconds: 3600 }))
      .then([
        { type: 'IntegrationMaintenanceEnded', data: { by: 'replaced' } },
        { type: 'IntegrationMaintenanceStarted', data: { mode: 'maintenance' } },
      ]);
  });

  it('removing it ends the mode config started, not one started through the API', () => {
    const h = after([], apply({ mode: 'maintenance', durationSeconds: null }));
    const removed = spec
      .given(h)
      .when(apply(null))
      .then([{ type: 'IntegrationMaintenanceEnded', data: { by: 'config' } }]);
    spec
      .given([...h, ...removed])
      .when(apply(null))
      .thenNothingHappened();
    spec
      .given([...h, ...removed])
      .when(apply({ mode: 'maintenance', durationSeconds: null }))
      .then([{ type: 'IntegrationMaintenanceStarted' }]);
    const api = after(after(h, start('debug', 3600)), apply(null));
    expect(stateOf(api).maintenance?.mode).toBe('debug');
  });

  it('no config and nothing applied: nothing to do', () => spec.given([]).when(apply(null)).thenNothingHappened());
});

describe('integration decider: heartbeats', () => {
  const last = { timerId: heartbeatTimerId('am', '2026-11-24T01:05:00.000Z'), receivedAt: '2026-11-24T01:00:00.000Z', dueAt: '2026-11-24T01:05:00.000Z' };
  const check = (timerId = last.timerId, lastHeartbeat: typeof last | null = last): IntegrationCommand => ({
    type: 'CheckHeartbeat',
    integrationId: 'am',
    timerId,
    lastHeartbeat,
  });

  it('the timer of the last heartbeat firing means it was missed', () => {
    spec
      .given([])
      .when(check())
      .then([{ type: 'HeartbeatMissed', data: { integrationId: 'am', incidentId: '1', dueAt: last.dueAt, lastHeartbeatAt: last.receivedAt } }]);
  });

  it('an older heartbeat timer means nothing: a newer heartbeat came', () => {
    spec
      .given([])
      .when(check(heartbeatTimerId('am', '2026-11-24T01:04:00.000Z')))
      .thenNothingHappened();
    spec.given([]).when(check(last.timerId, null)).thenNothingHappened();
  });

  it('one incident at a time; the next heartbeat restores it; a later miss is a new incident', () => {
    const missed = after([], check());
    expect(heartbeatMissing(stateOf(missed))?.incidentId).toBe('1');
    spec.given(missed).when(check()).thenNothingHappened();
    const note = (receivedAt: string): IntegrationCommand => ({ type: 'NoteHeartbeat', integrationId: 'am', receivedAt });
    spec.given(missed).when(note(last.receivedAt)).thenNothingHappened();
    const restored = after(missed, note('2026-11-24T01:07:00.000Z'));
    expect(restored.at(-1)).toMatchObject({ type: 'HeartbeatRestored', data: { incidentId: '1', receivedAt: '2026-11-24T01:07:00.000Z' } });
    expect(heartbeatMissing(stateOf(restored))).toBeNull();
    spec.given(restored).when(note('2026-11-24T01:08:00.000Z')).thenNothingHappened();
    const next = { timerId: heartbeatTimerId('am', '2026-11-24T01:12:00.000Z'), receivedAt: '2026-11-24T01:07:00.000Z', dueAt: '2026-11-24T01:12:00.000Z' };
    spec
      .given(restored)
      .when(check(next.timerId, next))
      .then([{ type: 'HeartbeatMissed', data: { incidentId: '2' } }]);
  });
});
