import type { Actor, AlertGroupState } from '@dozor/contracts';
import type { AlertEntity, AlertGroupEntity, TimelineEntryEntity } from '@dozor/projections';

/** Grafana OnCall's names for the states: a firing group is `new`. */
export type OnCallState = 'new' | 'acknowledged' | 'resolved' | 'silenced';

export function toOnCallState(s: AlertGroupState | string): OnCallState {
  return s === 'firing' ? 'new' : (s as OnCallState);
}

/** `new` and `firing` both select firing groups. */
export function fromOnCallState(s: string): AlertGroupState | null {
  const v = s.trim().toLowerCase();
  if (v === 'new' || v === 'firing') return 'firing';
  if (v === 'acknowledged' || v === 'resolved' || v === 'silenced') return v;
  return null;
}

/** OnCall shows the user who acted, or null for the system and the alert source. */
function userId(a: Actor | null): string | null {
  return a && a.kind === 'user' ? a.id : null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface AlertJson {
  id: string;
  alert_group_id: string;
  created_at: string;
  payload: unknown;
}

export function serializeAlert(a: AlertEntity): AlertJson {
  return { id: a.id, alert_group_id: a.alertGroupId, created_at: a.receivedAt.toISOString(), payload: a.payload };
}

export interface AlertGroupJson {
  id: string;
  integration_id: string;
  team_id: string | null;
  route_id: string;
  alerts_count: number;
  state: OnCallState;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  labels: { key: { id: string; name: string }; value: { id: string; name: string } }[];
  title: string;
  permalinks: { slack: string | null; slack_app: string | null; telegram: string | null; web: string | null };
  silenced_at: string | null;
  /** Dozor: end of the silence; null while silenced means forever. */
  silenced_until: string | null;
  last_alert: AlertJson | null;
}

export function serializeGroup(g: AlertGroupEntity, extra: { telegramLink: string | null; lastAlert: AlertEntity | null }): AlertGroupJson {
  return {
    id: g.id,
    integration_id: g.integrationId,
    team_id: null,
    route_id: g.routeId,
    alerts_count: g.alertsCount,
    state: toOnCallState(g.state),
    created_at: g.createdAt.toISOString(),
    resolved_at: iso(g.resolvedAt),
    resolved_by: userId(g.resolvedBy),
    acknowledged_at: iso(g.acknowledgedAt),
    acknowledged_by: userId(g.acknowledgedBy),
    labels: Object.entries(g.commonLabels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => ({ key: { id: k, name: k }, value: { id: v, name: v } })),
    title: g.title,
    permalinks: { slack: null, slack_app: null, telegram: extra.telegramLink, web: null },
    silenced_at: iso(g.silencedAt),
    silenced_until: iso(g.silencedUntil),
    last_alert: extra.lastAlert ? serializeAlert(extra.lastAlert) : null,
  };
}

/**
 * One timeline entry: Dozor's fields, plus those of Grafana OnCall's log
 * records (`action`, `realm`, `author`): `realm` is `user_notification` for
 * the attempts to page a person (requested, sending, sent, retrying, failed).
 */
export interface TimelineJson {
  event: string;
  text: string;
  actor: Actor;
  source: string;
  created_at: string;
  action: string;
  realm: 'alert_group' | 'user_notification';
  author: string | null;
}

export function serializeTimeline(t: TimelineEntryEntity): TimelineJson {
  return {
    event: t.eventType,
    text: t.text,
    actor: t.actor,
    source: t.source,
    created_at: t.occurredAt.toISOString(),
    action: t.text,
    realm: t.eventType.startsWith('Notification') ? 'user_notification' : 'alert_group',
    author: userId(t.actor),
  };
}

/**
 * A link to a message in a Telegram supergroup or channel (chat id -100…).
 * Private chats have no public link.
 */
export function telegramPermalink(chatId: string, messageId: number): string | null {
  const m = /^-100(\d+)$/.exec(chatId);
  return m ? `https://t.me/c/${m[1]}/${messageId}` : null;
}
