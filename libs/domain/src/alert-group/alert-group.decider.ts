import {
  alertGroupId,
  alertmanagerPayloadOf,
  SYSTEM_ACTORS,
  type AlertmanagerPayload,
  type AlertSummary,
  type DozorEvent,
  type NewEvent,
  type TemplateErrorRecord,
} from '@dozor/contracts';
import type { AlertGroupCommand, ActOnAlertGroup, CloseMaintenanceGroup, ExpireSilence, ProcessReceipt, Rejection } from './alert-group.commands.js';
import { evolve, groupState, initialState, type AlertGroupAggregate, type GroupGeneration } from './alert-group.state.js';
import type { Decider, Decision as DeciderDecision } from '../decider.js';

export type AlertGroupDecision = DeciderDecision<Rejection>;

const ok = (...events: NewEvent[]): AlertGroupDecision => ({ events });
const reject = (code: Rejection['code'], message: string): AlertGroupDecision => ({ rejected: { code, message } });

/** Alertmanager title: the alertname, then the other group labels' values, as Grafana OnCall's default shows it. */
export function alertmanagerTitle(p: AlertmanagerPayload): string {
  const { alertname, ...rest } = p.groupLabels;
  const name = alertname ?? p.commonLabels.alertname ?? p.alerts[0]?.labels.alertname ?? 'Alert';
  const others = Object.values(rest);
  return others.length ? `${name} (${others.join(', ')})` : name;
}

/**
 * One payload as an alert. `p` is null for payloads that are not Alertmanager's
 * (no alert instances); `status` and `title` default to the payload's.
 */
export function summarise(
  receiptId: string,
  p: AlertmanagerPayload | null,
  now: string,
  over: { status?: 'firing' | 'resolved'; title?: string } = {},
): AlertSummary {
  const key = (a: AlertmanagerPayload['alerts'][number]) => `${a.fingerprint}@${a.startsAt}`;
  return {
    alertId: receiptId,
    status: over.status ?? p?.status ?? 'firing',
    firing: p ? p.alerts.filter((a) => a.status === 'firing').map(key) : [],
    resolved: p ? p.alerts.filter((a) => a.status === 'resolved').map(key) : [],
    title: over.title ?? (p ? alertmanagerTitle(p) : 'Incident'),
    receivedAt: now,
  };
}

export function decide(command: AlertGroupCommand, state: AlertGroupAggregate): AlertGroupDecision {
  switch (command.type) {
    case 'ProcessReceipt':
      return processReceipt(command, state);
    case 'ActOnAlertGroup':
      return act(command, state);
    case 'ExpireSilence':
      return expireSilence(command, state);
    case 'CloseMaintenanceGroup':
      return closeMaintenanceGroup(command, state);
    default: {
      const never: never = command;
      return never;
    }
  }
}

function processReceipt(cmd: ProcessReceipt, s: AlertGroupAggregate): AlertGroupDecision {
  const pending = s.pending[0];
  if (!pending || pending.data.receiptId !== cmd.receiptId) {
    return reject('bad_request', `receipt ${cmd.receiptId} is not the oldest pending receipt`);
  }
  const r = pending.data;
  const am = alertmanagerPayloadOf(r.integrationKind, r.payload);
  // Maintenance collects every alert into its one group: no payload resolves or acknowledges it.
  const maintenance = r.mode?.mode === 'maintenance';
  const signals = maintenance ? { resolve: false, acknowledge: false } : (cmd.signals ?? { resolve: am?.status === 'resolved', acknowledge: false });
  const alert = summarise(r.receiptId, am, cmd.now, { status: signals.resolve ? 'resolved' : 'firing', title: cmd.display?.title });
  const templateErrors: TemplateErrorRecord[] = [...(r.groupingError ? [r.groupingError] : []), ...(cmd.templateErrors ?? [])];
  const cur = s.current;
  const added = (id: string): NewEvent => ({
    type: 'AlertAdded',
    data: { alertGroupId: id, receiptId: r.receiptId, alert, payload: r.payload, ...(templateErrors.length ? { templateErrors } : {}) },
  });
  const acknowledged = (id: string): NewEvent => ({ type: 'AlertGroupAcknowledged', data: { alertGroupId: id, by: 'source' } });

  if (signals.resolve) {
    if (!cur) return ok({ type: 'AlertDiscarded', data: { receiptId: r.receiptId, reason: 'resolved payload for a grouping key that has no alert group' } });
    if (cur.resolved) return ok(added(cur.alertGroupId));
    return ok(added(cur.alertGroupId), { type: 'AlertGroupResolved', data: { alertGroupId: cur.alertGroupId, by: 'source' } });
  }
  if (cur && !cur.resolved) {
    return signals.acknowledge && !cur.acknowledged ? ok(added(cur.alertGroupId), acknowledged(cur.alertGroupId)) : ok(added(cur.alertGroupId));
  }
  const id = alertGroupId(r.aggregateKey, s.generation + 1);
  const suppressedBy = r.mode?.mode ?? null;
  const escalationChainId = suppressedBy ? null : cmd.route.escalationChainId;
  const events: NewEvent[] = [
    {
      type: 'AlertGroupCreated',
      data: {
        alertGroupId: id,
        aggregateKey: r.aggregateKey,
        integrationId: r.integrationId,
        groupingKey: r.groupingKey,
        routeId: cmd.route.routeId,
        escalationChainId,
        title: alert.title,
        severity: am ? (am.commonLabels.severity ?? am.groupLabels.severity ?? null) : null,
        groupLabels: am?.groupLabels ?? {},
        commonLabels: am?.commonLabels ?? {},
        commonAnnotations: am?.commonAnnotations ?? {},
        sourceLink: cmd.display ? cmd.display.sourceLink : am ? am.alerts[0]?.generatorURL || am.externalURL || null : null,
        integrationKind: r.integrationKind ?? 'alertmanager',
        mode: suppressedBy,
      },
    },
    {
      type: 'RouteAssigned',
      data: {
        alertGroupId: id,
        routeId: cmd.route.routeId,
        escalationChainId: cmd.route.escalationChainId,
        escalates: escalationChainId !== null,
        suppressedBy,
        errors: cmd.routeErrors ?? [],
      },
    },
    added(id),
  ];
  if (signals.acknowledge) events.push(acknowledged(id));
  return { events };
}

function closeMaintenanceGroup(_cmd: CloseMaintenanceGroup, s: AlertGroupAggregate): AlertGroupDecision {
  const cur = s.current;
  if (!cur || cur.resolved || cur.mode !== 'maintenance') return ok();
  return ok({ type: 'AlertGroupResolved', data: { alertGroupId: cur.alertGroupId, by: 'maintenance' } });
}

function target(s: AlertGroupAggregate, id: string): GroupGeneration | Rejection {
  const cur = s.current;
  if (!cur) return { code: 'not_found', message: `alert group ${id} not found` };
  if (cur.alertGroupId === id) return cur;
  const gen = Number(id.slice(id.lastIndexOf('-') + 1));
  if (gen > 0 && gen < cur.generation) {
    return { code: 'invalid_transition', message: `alert group ${id} is closed and was followed by ${cur.alertGroupId}; act on that one` };
  }
  return { code: 'not_found', message: `alert group ${id} not found` };
}

function isEscalator(cmd: ActOnAlertGroup): boolean {
  return cmd.actor.kind === SYSTEM_ACTORS.escalator.kind && cmd.actor.id === SYSTEM_ACTORS.escalator.id;
}

function act(cmd: ActOnAlertGroup, s: AlertGroupAggregate): AlertGroupDecision {
  const g = target(s, cmd.alertGroupId);
  if ('code' in g) return { rejected: g };
  const ref = { alertGroupId: g.alertGroupId };
  const state = groupState(g);
  switch (cmd.action) {
    case 'acknowledge':
      if (g.resolved) return reject('invalid_transition', `can't acknowledge ${g.alertGroupId}: it is resolved`);
      // The acknowledger pressing it again answers an acknowledge reminder ("still on it", OnCall's acknowledged_by_confirmed).
      if (g.acknowledged && cmd.actor.kind === 'user' && g.acknowledgerId === cmd.actor.id) return ok({ type: 'AlertGroupAcknowledgmentConfirmed', data: ref });
      if (g.acknowledged) return reject('invalid_transition', `${g.alertGroupId} is already acknowledged by ${g.acknowledgedBy}`);
      return ok({ type: 'AlertGroupAcknowledged', data: { ...ref, by: 'action' } });
    case 'unacknowledge':
      if (g.resolved) return reject('invalid_transition', `can't unacknowledge ${g.alertGroupId}: it is resolved`);
      if (!g.acknowledged) return reject('invalid_transition', `${g.alertGroupId} is not acknowledged`);
      return ok({ type: 'AlertGroupUnacknowledged', data: ref });
    case 'resolve':
      if (g.resolved) return reject('invalid_transition', `${g.alertGroupId} is already resolved`);
      // The escalator resolves for a chain's `resolve` step.
      return ok({ type: 'AlertGroupResolved', data: { ...ref, by: isEscalator(cmd) ? 'escalation' : 'action' } });
    case 'unresolve':
      if (!g.resolved) return reject('invalid_transition', `${g.alertGroupId} is not resolved`);
      return ok({ type: 'AlertGroupUnresolved', data: ref });
    case 'silence': {
      if (g.resolved) return reject('invalid_transition', `can't silence ${g.alertGroupId}: it is resolved`);
      const d = cmd.durationSeconds;
      if (d !== null && d !== undefined && (!Number.isInteger(d) || d <= 0))
        return reject('bad_request', `silence duration must be a positive number of seconds or forever, got ${d}`);
      const until = d === null || d === undefined ? null : new Date(Date.parse(cmd.now) + d * 1000).toISOString();
      return ok({ type: 'AlertGroupSilenced', data: { ...ref, until, durationSeconds: d ?? null } });
    }
    case 'unsilence':
      if (state !== 'silenced') return reject('invalid_transition', `${g.alertGroupId} is not silenced`);
      return ok({ type: 'AlertGroupUnsilenced', data: { ...ref, by: 'action' } });
    default: {
      const never: never = cmd.action;
      return never;
    }
  }
}

function expireSilence(cmd: ExpireSilence, s: AlertGroupAggregate): AlertGroupDecision {
  const cur = s.current;
  // A silence that was replaced, cleared or belongs to an older group has nothing left to end.
  if (!cur || cur.alertGroupId !== cmd.alertGroupId || cur.silencedUntil !== cmd.until) return ok();
  return ok({ type: 'AlertGroupUnsilenced', data: { alertGroupId: cur.alertGroupId, by: 'expired' } });
}

/** The AlertGroup aggregate: one grouping key of one integration (`evt.alert-group.<aggregateKey>`). */
export const alertGroupDecider: Decider<AlertGroupCommand, DozorEvent, AlertGroupAggregate, Rejection> = { decide, evolve, initialState };
