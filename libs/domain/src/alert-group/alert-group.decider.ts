import { alertGroupId, type AlertmanagerPayload, type AlertSummary, type NewEvent } from '@dozor/contracts';
import type { AlertGroupCommand, ActOnAlertGroup, ExpireSilence, ProcessReceipt, Rejection } from './alert-group.commands.js';
import { groupState, type AlertGroupAggregate, type GroupGeneration } from './alert-group.state.js';

export type Decision = { events: NewEvent[] } | { rejected: Rejection };

const ok = (...events: NewEvent[]): Decision => ({ events });
const reject = (code: Rejection['code'], message: string): Decision => ({ rejected: { code, message } });

/** Alertmanager title: the alertname, then the other group labels' values, as Grafana OnCall's default shows it. */
export function alertmanagerTitle(p: AlertmanagerPayload): string {
  const { alertname, ...rest } = p.groupLabels;
  const name = alertname ?? p.commonLabels.alertname ?? p.alerts[0]?.labels.alertname ?? 'Alert';
  const others = Object.values(rest);
  return others.length ? `${name} (${others.join(', ')})` : name;
}

export function summarise(receiptId: string, p: AlertmanagerPayload, now: string): AlertSummary {
  const key = (a: AlertmanagerPayload['alerts'][number]) => `${a.fingerprint}@${a.startsAt}`;
  return {
    alertId: receiptId,
    status: p.status,
    firing: p.alerts.filter((a) => a.status === 'firing').map(key),
    resolved: p.alerts.filter((a) => a.status === 'resolved').map(key),
    title: alertmanagerTitle(p),
    receivedAt: now,
  };
}

export function decide(command: AlertGroupCommand, state: AlertGroupAggregate): Decision {
  switch (command.type) {
    case 'ProcessReceipt':
      return processReceipt(command, state);
    case 'ActOnAlertGroup':
      return act(command, state);
    case 'ExpireSilence':
      return expireSilence(command, state);
    default: {
      const never: never = command;
      return never;
    }
  }
}

function processReceipt(cmd: ProcessReceipt, s: AlertGroupAggregate): Decision {
  const pending = s.pending[0];
  if (!pending || pending.data.receiptId !== cmd.receiptId) {
    return reject('bad_request', `receipt ${cmd.receiptId} is not the oldest pending receipt`);
  }
  const r = pending.data;
  const p = r.payload;
  const alert = summarise(r.receiptId, p, cmd.now);
  const cur = s.current;
  const added = (id: string): NewEvent => ({ type: 'AlertAdded', data: { alertGroupId: id, receiptId: r.receiptId, alert, payload: p } });

  if (p.status === 'resolved') {
    if (!cur) return ok({ type: 'AlertDiscarded', data: { receiptId: r.receiptId, reason: 'resolved payload for a grouping key that has no alert group' } });
    if (cur.resolved) return ok(added(cur.alertGroupId));
    return ok(added(cur.alertGroupId), { type: 'AlertGroupResolved', data: { alertGroupId: cur.alertGroupId, by: 'source' } });
  }
  if (cur && !cur.resolved) return ok(added(cur.alertGroupId));
  const id = alertGroupId(r.aggregateKey, s.generation + 1);
  return ok(
    {
      type: 'AlertGroupCreated',
      data: {
        alertGroupId: id,
        aggregateKey: r.aggregateKey,
        integrationId: r.integrationId,
        groupingKey: r.groupingKey,
        routeId: cmd.route.routeId,
        escalationChainId: cmd.route.escalationChainId,
        title: alert.title,
        severity: p.commonLabels.severity ?? p.groupLabels.severity ?? null,
        groupLabels: p.groupLabels,
        commonLabels: p.commonLabels,
        commonAnnotations: p.commonAnnotations,
        sourceLink: p.alerts[0]?.generatorURL || p.externalURL || null,
      },
    },
    added(id),
  );
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

function act(cmd: ActOnAlertGroup, s: AlertGroupAggregate): Decision {
  const g = target(s, cmd.alertGroupId);
  if ('code' in g) return { rejected: g };
  const ref = { alertGroupId: g.alertGroupId };
  const state = groupState(g);
  switch (cmd.action) {
    case 'acknowledge':
      if (g.resolved) return reject('invalid_transition', `can't acknowledge ${g.alertGroupId}: it is resolved`);
      if (g.acknowledged) return reject('invalid_transition', `${g.alertGroupId} is already acknowledged by ${g.acknowledgedBy}`);
      return ok({ type: 'AlertGroupAcknowledged', data: ref });
    case 'unacknowledge':
      if (g.resolved) return reject('invalid_transition', `can't unacknowledge ${g.alertGroupId}: it is resolved`);
      if (!g.acknowledged) return reject('invalid_transition', `${g.alertGroupId} is not acknowledged`);
      return ok({ type: 'AlertGroupUnacknowledged', data: ref });
    case 'resolve':
      if (g.resolved) return reject('invalid_transition', `${g.alertGroupId} is already resolved`);
      return ok({ type: 'AlertGroupResolved', data: { ...ref, by: 'action' } });
    case 'unresolve':
      if (!g.resolved) return reject('invalid_transition', `${g.alertGroupId} is not resolved`);
      return ok({ type: 'AlertGroupUnresolved', data: ref });
    case 'silence': {
      if (g.resolved) return reject('invalid_transition', `can't silence ${g.alertGroupId}: it is resolved`);
      const d = cmd.durationSeconds;
      if (d !== null && d !== undefined && (!Number.isInteger(d) || d <= 0)) return reject('bad_request', `silence duration must be a positive number of seconds or forever, got ${d}`);
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

function expireSilence(cmd: ExpireSilence, s: AlertGroupAggregate): Decision {
  const cur = s.current;
  // A silence that was replaced, cleared or belongs to an older group has nothing left to end.
  if (!cur || cur.alertGroupId !== cmd.alertGroupId || cur.silencedUntil !== cmd.until) return ok();
  return ok({ type: 'AlertGroupUnsilenced', data: { alertGroupId: cur.alertGroupId, by: 'expired' } });
}
