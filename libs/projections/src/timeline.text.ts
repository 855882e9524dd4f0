import { HEARTBEAT_EVENTS, INTEGRATION_EVENTS, isOneOf, SCHEDULE_EVENTS, USER_EVENTS, type Actor, type DozorEvent } from '@dozor/contracts';
import { TRIGGER_EVENT_TYPE } from '@dozor/domain';

/** The name a timeline shows for an actor: its name, else its id. */
export function actorName(a: Actor): string {
  return a.name ?? a.id;
}

/** 90 → "1m 30s", 3600 → "1h", 5400 → "1h 30m". */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s || parts.length === 0) parts.push(`${s}s`);
  return parts.join(' ');
}

/** 250 → "250 ms", 90000 → "1m 30s". */
function formatWait(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : formatDuration(ms / 1000);
}

/**
 * Schedule, integration, heartbeat and user events are not about one alert
 * group: audit rows only (schedule.projection.ts, integration.projection.ts,
 * user.projection.ts), no timeline line.
 */
const notAboutOneGroup = isOneOf(...SCHEDULE_EVENTS, ...INTEGRATION_EVENTS, ...HEARTBEAT_EVENTS, ...USER_EVENTS);

/** How much of a webhook's response a timeline line shows (the event keeps more). */
const TIMELINE_SNIPPET_CHARS = 200;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

const responderList = (users: { id: string; important: boolean }[]): string => users.map((u) => `${u.id}${u.important ? ' (important)' : ''}`).join(', ');

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The line a human reads in an alert group's timeline, or null for events
 * that the timeline does not show (AlertReceived, TimerFired, scheduling,
 * message edits, and types this build does not know).
 */
export function timelineText(e: DozorEvent): string | null {
  if (notAboutOneGroup(e)) return null;
  const by = `${actorName(e.metadata.actor)} (${e.metadata.source})`;
  switch (e.type) {
    case 'AlertGroupCreated': {
      const chain = e.data.escalationChainId ? `escalation chain ${e.data.escalationChainId}` : 'no escalation chain';
      const mode = e.data.mode ? ` (opened in ${e.data.mode} mode: not escalated)` : '';
      return `Alert group created on route ${e.data.routeId} with ${chain}${mode}`;
    }
    case 'RouteAssigned': {
      const parts = [`Route ${e.data.routeId}`];
      if (e.data.suppressedBy) parts.push(`Not escalated: the integration is in ${e.data.suppressedBy} mode`);
      else if (!e.data.escalates) parts.push('Not escalated: the route has no escalation chain');
      for (const err of e.data.errors) parts.push(`Template ${err.template} failed: ${err.message}, fell through`);
      return parts.join('. ');
    }
    case 'AlertAdded': {
      const a = e.data.alert;
      const failed = (e.data.templateErrors ?? []).map((err) => `. Template ${err.template} failed: ${err.message}`).join('');
      return `Alert received: ${a.status} (${a.firing.length} firing, ${a.resolved.length} resolved)${failed}`;
    }
    case 'AlertDiscarded':
      return `Alert discarded: ${e.data.reason}`;
    case 'AlertGroupAcknowledged':
      return e.data.by === 'source' ? 'Acknowledged by the alert source' : `Acknowledged by ${by}`;
    case 'AlertGroupAcknowledgmentConfirmed':
      return `${by} confirmed the acknowledgment (still on it)`;
    case 'AlertGroupUnacknowledged':
      return `Unacknowledged by ${by}`;
    case 'AlertGroupResolved':
      if (e.data.by === 'source') return 'Resolved by the alert source';
      if (e.data.by === 'escalation') return 'Resolved by an escalation step';
      if (e.data.by === 'maintenance') return "Resolved: the integration's maintenance ended";
      return `Resolved by ${by}`;
    case 'AlertGroupUnresolved':
      return `Unresolved by ${by}`;
    case 'AlertGroupSilenced':
      return e.data.durationSeconds === null ? `Silenced forever by ${by}` : `Silenced for ${formatDuration(e.data.durationSeconds)} by ${by}`;
    case 'AlertGroupUnsilenced':
      return e.data.by === 'expired' ? 'Silence ended' : `Unsilenced by ${by}`;
    case 'EscalationStarted':
      return `Escalation started: chain ${e.data.chainId}, ${e.data.steps.length} step${e.data.steps.length === 1 ? '' : 's'}`;
    case 'EscalationStepExecuted':
      return e.data.summary;
    case 'NotificationRequested': {
      // OnCall's personal notification log record ("sent telegram message to alice"), with why when it is not a page.
      if (e.data.reason === 'ack_reminder') return `Acknowledge reminder: sent telegram message to ${e.data.userId}`;
      if (e.data.reason === 'resolve_notice') return `Resolve notice: sent telegram message to ${e.data.userId}`;
      const rule =
        e.data.personalRule === undefined ? '' : `: personal notification rule ${e.data.personalRule + 1}, sent telegram message to ${e.data.userId}`;
      return `Notifying ${e.data.userId}${e.data.important ? ' (important)' : ''}${rule}`;
    }
    case 'PersonalNotificationScheduled':
      return `Personal notification of ${e.data.userId}: waiting until ${e.data.dueAt} before rule ${e.data.ruleIndex + 1}${e.data.important ? ' (important)' : ''}`;
    case 'PersonalNotificationResumed':
      return `Personal notification of ${e.data.userId}: wait over, rule ${e.data.ruleIndex + 1}`;
    case 'AckReminderSent':
      return `Acknowledge reminder ${e.data.n} to ${e.data.userId}`;
    case 'AckReminderDeadlinePassed':
      return e.data.answered
        ? `Acknowledge reminder ${e.data.n} answered by ${e.data.userId}`
        : `Acknowledge reminder ${e.data.n} not answered by ${e.data.userId}: unacknowledging`;
    case 'ResolveNoticeRequested':
      return e.data.users.length ? `Resolve notice to ${e.data.users.join(', ')}` : 'Resolve notice: nobody else was paged';
    case 'EscalationPaused':
      return `Escalation paused: alert group ${e.data.reason}`;
    case 'EscalationResumed':
      return e.data.steps ? `Escalation resumed from the first step: chain ${e.data.chainId}, as configured now` : 'Escalation resumed';
    case 'EscalationRepeated':
      return `Escalation repeated from step ${e.data.fromStepIndex + 1} (repeat ${e.data.repeat})`;
    case 'EscalationHeld':
      return e.data.summary;
    case 'ChatNotificationRequested':
      return `Posting in Telegram chat ${e.data.chatId}`;
    case 'EscalationFinished':
      return e.data.reason === 'resolved' ? 'Escalation stopped: alert group resolved' : 'Escalation finished: no steps left';
    case 'NotificationDispatching': {
      const recovers = e.data.recovers ? ": the earlier attempt's notifier stopped before recording its outcome, so this may be a second copy" : '';
      return `Sending to ${e.data.userId} in Telegram (attempt ${e.data.attempt})${recovers}`;
    }
    case 'NotificationSent': {
      const notes = [e.data.bundleId ? 'listed in a storm bundle message' : null, e.data.recovered ? 'recovered after a notifier restart' : null].filter(
        Boolean,
      );
      return `Sent to ${e.data.userId} in Telegram${notes.length ? ` (${notes.join(', ')})` : ''}`;
    }
    case 'NotificationRetrying': {
      const code = e.data.errorCode === 429 ? 'rate limited (429)' : e.data.errorCode === null ? 'network error' : `error ${e.data.errorCode}`;
      return `Telegram ${code} sending to ${e.data.userId}: ${e.data.reason}; retrying in ${formatWait(e.data.retryAfterMs)} (request ${e.data.attempt})`;
    }
    case 'NotificationFailed':
      return `Telegram notification to ${e.data.userId} failed${e.data.permanent ? ' permanently' : ''}: ${e.data.reason}${e.data.next ? `. ${e.data.next}` : ''}`;
    case 'OutgoingWebhookRequested':
      return `Outgoing webhook ${e.data.webhookId} requested by escalation step ${e.data.stepIndex + 1}`;
    case 'OutgoingWebhookAttempted': {
      const d = e.data;
      const outcome = d.status !== null ? `HTTP ${d.status}` : `error: ${d.error ?? 'unknown'}`;
      const body = d.responseSnippet ? `: ${clip(d.responseSnippet, TIMELINE_SNIPPET_CHARS)}` : '';
      const next = d.final ? '' : ', will retry';
      return `Outgoing webhook ${d.webhookId} (${TRIGGER_EVENT_TYPE[d.trigger]}) attempt ${d.attempt}: ${d.method} ${d.url} → ${outcome}${body} (${d.durationMs} ms${next})`;
    }
    case 'OutgoingWebhookSucceeded':
      return `Outgoing webhook ${e.data.webhookId} (${TRIGGER_EVENT_TYPE[e.data.trigger]}) succeeded: HTTP ${e.data.status} after ${plural(e.data.attempts, 'attempt')}`;
    case 'OutgoingWebhookFailed':
      return `Outgoing webhook ${e.data.webhookId} (${TRIGGER_EVENT_TYPE[e.data.trigger]}) failed after ${plural(e.data.attempts, 'attempt')}: ${e.data.reason}`;
    case 'AlertmanagerSilenceCreated':
      return `Alertmanager silence ${e.data.silenceId} created at ${e.data.url} until ${e.data.endsAt}`;
    case 'AlertmanagerSilenceDeleted':
      return `Alertmanager silence ${e.data.silenceId} deleted`;
    case 'AlertGroupDirectlyPaged': {
      // OnCall's direct paging log record: "<user> paged user <user>", one line here for the page.
      const d = e.data;
      const who = d.team
        ? `team ${d.team}${d.importantTeam ? ' (important)' : ''}`
        : d.users.map((u) => `user ${u.id}${u.important ? ' (important)' : ''}`).join(', ');
      return `${by} paged ${who}${d.opensGroup ? '' : ' to join the escalation'}`;
    }
    case 'DirectPageNotified':
      return `Direct page: notifying ${responderList(e.data.users)}`;
    case 'OutgoingWebhookClaimed':
    case 'AlertReceived':
    case 'TimerFired':
    case 'EscalationStepScheduled':
    case 'AckReminderScheduled':
    // The step's EscalationStepExecuted names who got the turn.
    case 'EscalationRotationAdvanced':
    // A bundle is about many groups; each member's NotificationSent is its timeline row.
    case 'NotificationBundled':
      return null;
    default: {
      // Compile-time: every known type is decided above. Run time: a newer type is not shown.
      const never: never = e;
      void never;
      return null;
    }
  }
}
