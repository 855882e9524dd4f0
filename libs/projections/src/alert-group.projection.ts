import type { EntityManager } from 'typeorm';
import type { Actor, DozorEvent } from '@dozor/contracts';
import { ALERT_GROUP_STATE_PRECEDENCE } from '@dozor/domain';
import type { RecordedCommit } from '@dozor/eventstore';
import { timelineText } from './timeline.text.js';
import { applyScheduleEvent, isScheduleEvent } from './schedule.projection.js';
import { applyIntegrationEvent, isIntegrationAuditEvent } from './integration.projection.js';
import { applyUserEvent } from './user.projection.js';
import { pgJson, pgQuery, writeAuditRow } from './audit-log.writer.js';

/** The tables this projection owns; a rebuild truncates exactly these. */
export const PROJECTION_TABLES = ['alert_groups', 'alerts', 'timeline', 'audit_log', 'telegram_messages'] as const;

interface At {
  seq: number;
  idx: number;
  subject: string;
}

const json = pgJson;
const q = pgQuery;

/**
 * Applies one commit to the read models, inside the caller's transaction.
 * Every value written comes from the events, so replaying the log gives the
 * same rows. Throws on a database error; the caller retries the commit.
 */
export async function applyCommit(m: EntityManager, commit: RecordedCommit): Promise<void> {
  for (let idx = 0; idx < commit.events.length; idx++) {
    const e = commit.events[idx]!;
    const at = { seq: commit.seq, idx, subject: commit.subject };
    await applyEvent(m, e, at);
    const text = timelineText(e);
    if (text !== null) await timeline(m, e, at, text);
  }
}

async function applyEvent(m: EntityManager, e: DozorEvent, at: At): Promise<void> {
  const occurredAt = e.metadata.occurredAt;
  const actor = e.metadata.actor;
  if (isScheduleEvent(e)) return applyScheduleEvent(m, e, at);
  if (isIntegrationAuditEvent(e)) return applyIntegrationEvent(m, e, at);
  switch (e.type) {
    case 'AlertGroupCreated': {
      const d = e.data;
      await q(
        m,
        `INSERT INTO alert_groups (id, integration_id, aggregate_key, grouping_key, route_id, escalation_chain_id, title, severity,
           state, alerts_count, created_at, group_labels, common_labels, common_annotations, source_link, updated_at, last_seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'firing', 0, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13, $9, $14)
         ON CONFLICT (id) DO NOTHING`,
        [
          d.alertGroupId,
          d.integrationId,
          d.aggregateKey,
          d.groupingKey,
          d.routeId,
          d.escalationChainId,
          d.title,
          d.severity,
          occurredAt,
          json(d.groupLabels),
          json(d.commonLabels),
          json(d.commonAnnotations),
          d.sourceLink,
          at.seq,
        ],
      );
      return;
    }
    case 'AlertAdded': {
      const d = e.data;
      const inserted = await q(
        m,
        `INSERT INTO alerts (id, alert_group_id, status, title, payload, received_at, seq)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [d.alert.alertId, d.alertGroupId, d.alert.status, d.alert.title, json(d.payload), d.alert.receivedAt, at.seq],
      );
      if (inserted.length > 0) {
        await q(m, `UPDATE alert_groups SET alerts_count = alerts_count + 1, last_alert_at = $2, updated_at = $3, last_seq = $4 WHERE id = $1`, [
          d.alertGroupId,
          d.alert.receivedAt,
          occurredAt,
          at.seq,
        ]);
      }
      return;
    }
    // Grafana OnCall's transitions, as the AlertGroup decider evolves them:
    // acknowledging ends a silence, silencing drops an acknowledgement,
    // resolving keeps the acknowledgement as history, unresolving drops it.
    case 'AlertGroupAcknowledged':
      await transition(m, e.data.alertGroupId, at, occurredAt, {
        acknowledged_at: occurredAt,
        acknowledged_by: actor,
        ...NO_SILENCE,
      });
      return audit(m, e, at, 'acknowledge', e.data.alertGroupId, {});
    case 'AlertGroupUnacknowledged':
      await transition(m, e.data.alertGroupId, at, occurredAt, NO_ACK);
      return audit(m, e, at, 'unacknowledge', e.data.alertGroupId, {});
    case 'AlertGroupResolved':
      await transition(m, e.data.alertGroupId, at, occurredAt, {
        resolved_at: occurredAt,
        resolved_by: actor,
        resolution: e.data.by,
        ...NO_SILENCE,
      });
      return audit(m, e, at, 'resolve', e.data.alertGroupId, { by: e.data.by });
    case 'AlertGroupUnresolved':
      await transition(m, e.data.alertGroupId, at, occurredAt, {
        resolved_at: null,
        resolved_by: null,
        resolution: null,
        ...NO_ACK,
      });
      return audit(m, e, at, 'unresolve', e.data.alertGroupId, {});
    case 'AlertGroupSilenced':
      await transition(m, e.data.alertGroupId, at, occurredAt, {
        silenced_at: occurredAt,
        silenced_until: e.data.until,
        silenced_by: actor,
        ...NO_ACK,
      });
      return audit(m, e, at, 'silence', e.data.alertGroupId, { until: e.data.until, durationSeconds: e.data.durationSeconds });
    case 'AlertGroupUnsilenced':
      await transition(m, e.data.alertGroupId, at, occurredAt, NO_SILENCE);
      return audit(m, e, at, 'unsilence', e.data.alertGroupId, { by: e.data.by });
    case 'NotificationSent': {
      const d = e.data;
      // A storm bundle is one message for many groups: its members' rows are their timeline entries, not a message row each.
      if (d.bundleId) return;
      await q(
        m,
        `INSERT INTO telegram_messages (chat_id, message_id, alert_group_id, user_id, notification_id, sent_at, shown_state, seq)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) ON CONFLICT (chat_id, message_id) DO NOTHING`,
        [d.chatId, d.messageId, d.alertGroupId, d.userId, d.notificationId, occurredAt, at.seq],
      );
      return;
    }
    case 'TelegramAccountLinked':
    case 'PersonalNotificationRulesChanged':
      return applyUserEvent(m, e, at);
    // A direct page (POST /api/v1/escalation) is an action: its audit row names who paged whom.
    case 'AlertGroupDirectlyPaged':
      return audit(m, e, at, 'direct_page', e.data.alertGroupId, {
        pageId: e.data.pageId,
        opensGroup: e.data.opensGroup,
        team: e.data.team,
        users: e.data.users,
        idempotencyKey: e.data.idempotencyKey,
      });
    // Timeline rows only (written by applyCommit), or nothing at all.
    case 'AlertReceived':
    case 'RouteAssigned':
    case 'HeartbeatReceived':
    case 'AlertDiscarded':
    case 'EscalationStarted':
    case 'EscalationStepScheduled':
    case 'TimerFired':
    case 'EscalationStepExecuted':
    case 'NotificationRequested':
    case 'PersonalNotificationScheduled':
    case 'PersonalNotificationResumed':
    case 'AckReminderScheduled':
    case 'AckReminderSent':
    case 'AlertGroupAcknowledgmentConfirmed':
    case 'AckReminderDeadlinePassed':
    case 'ResolveNoticeRequested':
    case 'EscalationPaused':
    case 'EscalationResumed':
    case 'EscalationFinished':
    case 'EscalationRepeated':
    case 'EscalationHeld':
    case 'ChatNotificationRequested':
    case 'EscalationRotationAdvanced':
    case 'NotificationDispatching':
    case 'NotificationRetrying':
    case 'NotificationFailed':
    case 'NotificationBundled':
    case 'TelegramVerificationCodeIssued':
    case 'ConsoleLoginCodeIssued':
    case 'ConsoleLoginCodeRedeemed':
    case 'OutgoingWebhookRequested':
    case 'OutgoingWebhookClaimed':
    case 'OutgoingWebhookAttempted':
    case 'OutgoingWebhookSucceeded':
    case 'OutgoingWebhookFailed':
    case 'AlertmanagerSilenceCreated':
    case 'AlertmanagerSilenceDeleted':
    case 'DirectPageNotified':
      return;
    default: {
      // A type added to the catalogue after this projection was written: ignored until it is handled here.
      const never: never = e;
      void never;
      return;
    }
  }
}

const NO_ACK = { acknowledged_at: null, acknowledged_by: null } as const;
const NO_SILENCE = { silenced_at: null, silenced_until: null, silenced_by: null } as const;

type Columns = Partial<
  Record<
    'acknowledged_at' | 'acknowledged_by' | 'resolved_at' | 'resolved_by' | 'resolution' | 'silenced_at' | 'silenced_until' | 'silenced_by',
    string | Actor | null
  >
>;

const JSONB = new Set(['acknowledged_by', 'resolved_by', 'silenced_by']);

/** The column whose being set means the group is in that state. */
const SET_AT = { resolved: 'resolved_at', acknowledged: 'acknowledged_at', silenced: 'silenced_at' } as const;
const STATE_OF_COLUMNS = `CASE ${ALERT_GROUP_STATE_PRECEDENCE.map((s) => `WHEN ${SET_AT[s]} IS NOT NULL THEN '${s}'`).join(' ')} ELSE 'firing' END`;

/** Sets the given columns, then derives `state` from them with OnCall's precedence (the domain's). */
async function transition(m: EntityManager, id: string, at: At, occurredAt: string, cols: Columns): Promise<void> {
  const names = Object.keys(cols) as (keyof Columns)[];
  const params: unknown[] = [id, occurredAt, at.seq];
  const sets = names.map((n) => {
    const v = cols[n];
    params.push(v === null || v === undefined ? null : JSONB.has(n) ? json(v) : v);
    return `${n} = $${params.length}${JSONB.has(n) ? '::jsonb' : ''}`;
  });
  await q(m, `UPDATE alert_groups SET ${sets.join(', ')}, updated_at = $2, last_seq = $3 WHERE id = $1`, params);
  await q(m, `UPDATE alert_groups SET state = ${STATE_OF_COLUMNS} WHERE id = $1`, [id]);
}

async function audit(m: EntityManager, e: DozorEvent, at: At, action: string, alertGroupId: string, details: Record<string, unknown>): Promise<void> {
  await writeAuditRow(m, e, at, { action, targetType: 'alert_group', targetId: alertGroupId, details });
}

async function timeline(m: EntityManager, e: DozorEvent, at: At, text: string): Promise<void> {
  const data = e.data as { alertGroupId?: unknown };
  const alertGroupId = typeof data.alertGroupId === 'string' ? data.alertGroupId : null;
  await q(
    m,
    `INSERT INTO timeline (seq, idx, alert_group_id, subject, event_type, text, actor, source, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
    [at.seq, at.idx, alertGroupId, at.subject, e.type, text, json(e.metadata.actor), e.metadata.source, e.metadata.occurredAt],
  );
}
