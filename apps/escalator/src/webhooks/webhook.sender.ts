import { Inject, Injectable } from '@nestjs/common';
import { subjects, SYSTEM_ACTORS, type Actor, type NewEvent, type OutgoingWebhookRef, type Topology, type WebhookTrigger } from '@dozor/contracts';
import {
  buildWebhookContext,
  checkTrigger,
  claimedAttempt,
  isSuccess,
  parseAllowList,
  planAlertmanagerSilence,
  planRequest,
  redactUrl,
  retryAfter,
  silenceGone,
  silenceIdOf,
  webhookDeliveriesDecider,
  WEBHOOK_TIMEOUT_MS,
  type AllowEntry,
  type AttemptOutcome,
  type WebhookDef,
  type WebhookDeliveriesState,
  type WebhookDeliveryCommand,
  type WebhookDeliveryRejection,
  type WebhookRequestPlan,
  type WebhookUser,
} from '@dozor/domain';
import { CommandHandler, EventStore, Outcome, type EventLog, type HandlerOutcome } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger, metrics, SpanKind, withSpan } from '@dozor/telemetry';
import type { WebhookGroupState } from './webhook-groups.js';
import { sendGuarded, type HttpAttempt } from './webhook-http.js';

/** How much of a response the log keeps (the timeline shows less). */
export const WEBHOOK_RESPONSE_SNIPPET_CHARS = 2000;
/** A claim older than this with no recorded outcome belongs to a sender that stopped; another may take over. */
export const WEBHOOK_CLAIM_LEASE_MS = 30_000;

@Injectable()
export class WebhookDeliveries extends CommandHandler<WebhookDeliveryCommand, WebhookDeliveriesState, WebhookDeliveryRejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, webhookDeliveriesDecider);
  }
}

/** One delivery to make: a webhook, the trigger and the group it fires for. */
export interface WebhookJob {
  requestId: string;
  webhook: WebhookDef;
  trigger: WebhookTrigger;
  group: WebhookGroupState;
  /** The triggering event's time and actor. */
  eventTime: string;
  actor: Actor | null;
  causation: { eventId: string; correlationId: string };
}

type Built =
  { kind: 'skip' } | { kind: 'wait'; reason: string } | { kind: 'error'; error: string } | { kind: 'send'; plan: WebhookRequestPlan; preset: PresetEffect };
type PresetEffect =
  | { kind: 'none' }
  | { kind: 'am-create'; integrationId: string; baseUrl: string; matchers: ReturnType<typeof planAlertmanagerSilence> & { kind: 'create' } }
  | { kind: 'am-delete'; integrationId: string; silenceId: string };

/**
 * Sends one webhook for one trigger, exactly once in effect: each attempt is
 * claimed on the webhook subject before the request goes out, and its
 * outcome recorded after; retries (5xx, network) follow WEBHOOK_BACKOFF_MS in
 * this process, so a redelivery finds the finished delivery and does nothing.
 */
@Injectable()
export class WebhookSender {
  private readonly allow: AllowEntry[];

  constructor(
    private readonly deliveries: WebhookDeliveries,
    @Inject(EventStore) private readonly store: EventLog,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {
    this.allow = parseAllowList(runtime.settings.webhookAllow);
  }

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  async deliver(job: WebhookJob): Promise<HandlerOutcome> {
    const g = job.group.agg.current!;
    const subject = subjects.webhook(this.topology, g.alertGroupId);
    const ref: OutgoingWebhookRef = { alertGroupId: g.alertGroupId, requestId: job.requestId, webhookId: job.webhook.id, trigger: job.trigger };
    const opts = { actor: SYSTEM_ACTORS.escalator, source: 'system' as const, causation: job.causation };
    const before = await this.deliveries.load(subject);
    if (before.state.deliveries[job.requestId]?.finished) return Outcome.skipped('delivered');
    // Decide whether it fires (trigger_template) before claiming: a webhook that does not fire leaves no trace, as in OnCall.
    const built = this.build(job, before.state, await this.notifiedUsers(g.alertGroupId));
    if (built.kind === 'skip') return Outcome.skipped('not triggered');
    if (built.kind === 'wait') return Outcome.retry(built.reason, 2000);
    for (;;) {
      const now = this.runtime.now();
      const claim = await this.deliveries.handle(subject, { type: 'ClaimAttempt', ...ref, now, leaseMs: WEBHOOK_CLAIM_LEASE_MS }, opts);
      if (claim.kind === 'rejected')
        return claim.rejection.code === 'in_flight' ? Outcome.retry(claim.rejection.message, 5000) : Outcome.skipped(claim.rejection.message);
      if (claim.kind === 'conflict') return Outcome.retry(`${subject} kept changing`);
      if (claim.kind === 'unchanged') return Outcome.done;
      const attempt = claimedAttempt(claim.events);
      if (attempt === null) return Outcome.done; // the claim recorded a lost attempt as the last one
      const started = performance.now();
      const result: HttpAttempt | null = built.kind === 'send' ? await this.send(job.webhook.id, built.plan) : null;
      if (!result) metrics.webhookAttempts.inc({ webhook: job.webhook.id, result: 'invalid' });
      const durationMs = Math.round(performance.now() - started);
      const outcome: AttemptOutcome = !result
        ? { kind: 'invalid' }
        : result.kind === 'response'
          ? { kind: 'response', status: result.status }
          : { kind: result.kind };
      const delay = retryAfter(attempt, outcome);
      const status = result?.kind === 'response' ? result.status : null;
      // Deleting a silence Alertmanager no longer knows has the effect a delete wants.
      const gone = built.kind === 'send' && built.preset.kind === 'am-delete' && result?.kind === 'response' && silenceGone(result.status, result.body);
      const succeeded = status !== null && (isSuccess(status) || gone);
      const also = succeeded && built.kind === 'send' && result?.kind === 'response' ? this.presetEvents(built.preset, g.alertGroupId, result.body) : [];
      const rec = await this.deliveries.handle(
        subject,
        {
          type: 'RecordAttempt',
          ...ref,
          succeeded,
          also,
          outcome: {
            attempt,
            url: redactUrl(result?.url ?? (built.kind === 'send' ? built.plan.url : '')),
            method: built.kind === 'send' ? built.plan.method : job.webhook.httpMethod,
            status,
            error: built.kind === 'error' ? built.error : result && result.kind !== 'response' ? result.error : null,
            responseSnippet: result?.kind === 'response' ? result.body.slice(0, WEBHOOK_RESPONSE_SNIPPET_CHARS) : null,
            durationMs,
            final: delay === null || succeeded,
          },
        },
        opts,
      );
      if (rec.kind === 'conflict') return Outcome.retry(`${subject} kept changing`);
      if (delay === null || succeeded) return Outcome.done;
      this.log.warn(
        `${job.webhook.id} ${job.requestId}: attempt ${attempt} failed (${status ?? (result as { error?: string } | null)?.error}); again in ${delay} ms`,
        'webhooks',
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** One HTTP attempt in a client span (OpenTelemetry HTTP conventions), counted by result. */
  private send(webhookId: string, plan: WebhookRequestPlan): Promise<HttpAttempt> {
    const u = new URL(plan.url);
    return withSpan(
      plan.method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': plan.method,
          'server.address': u.hostname,
          'server.port': Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
          'url.full': redactUrl(plan.url),
          'dozor.webhook.id': webhookId,
        },
      },
      async (span) => {
        const r = await sendGuarded(plan, { allow: this.allow, timeoutMs: WEBHOOK_TIMEOUT_MS });
        if (r.kind === 'response') span.setAttribute('http.response.status_code', r.status);
        else span.setAttribute('error.type', r.kind);
        metrics.webhookAttempts.inc({ webhook: webhookId, result: r.kind === 'response' ? String(r.status) : r.kind });
        return r;
      },
    );
  }

  /** A request that cannot be made at all (its webhook is not configured): one failed attempt, in the timeline. */
  async recordFailure(ref: OutgoingWebhookRef, reason: string, causation: { eventId: string; correlationId: string }): Promise<void> {
    const subject = subjects.webhook(this.topology, ref.alertGroupId);
    const opts = { actor: SYSTEM_ACTORS.escalator, source: 'system' as const, causation };
    const claim = await this.deliveries.handle(
      subject,
      { type: 'ClaimAttempt', ...pickRef(ref), now: this.runtime.now(), leaseMs: WEBHOOK_CLAIM_LEASE_MS },
      opts,
    );
    const attempt = claim.kind === 'appended' ? claimedAttempt(claim.events) : null;
    if (attempt === null) return;
    const outcome = { attempt, url: '', method: '', status: null, error: reason, responseSnippet: null, durationMs: 0, final: true };
    await this.deliveries.handle(subject, { type: 'RecordAttempt', ...pickRef(ref), succeeded: false, outcome }, opts);
  }

  /** The people notified about the group so far (OnCall's `notified_users`): NotificationSent on its notification subject. */
  private async notifiedUsers(alertGroupId: string): Promise<string[]> {
    const ids = new Set<string>();
    for (const c of await this.store.readSubject(subjects.notification(this.topology, alertGroupId)))
      for (const e of c.events) if (e.type === 'NotificationSent') ids.add(e.data.userId);
    return [...ids];
  }

  private build(job: WebhookJob, deliveries: WebhookDeliveriesState, notified: string[]): Built {
    const st = job.group;
    const g = st.agg.current!;
    const w = job.webhook;
    const cfg = this.runtime.config;
    const integration = cfg.integrations.find((i) => i.id === g.integrationId);
    const userOf = (id: string | null | undefined): WebhookUser | null => {
      if (!id) return null;
      const u = cfg.users.find((x) => x.id === id || x.name === id);
      return u ? { id: u.id, username: u.name, email: u.email } : null;
    };
    const responses: Record<string, unknown> = {};
    for (const [id, body] of Object.entries(deliveries.lastResponse)) if (id !== w.id) responses[id] = parseMaybeJson(body);
    const webLink = `${this.runtime.settings.publicUrl}/alert-groups/${g.alertGroupId}`;
    const ctx = buildWebhookContext(w, {
      trigger: job.trigger,
      eventTime: job.eventTime,
      group: g,
      alertPayload: st.alertPayload,
      acknowledgedAt: st.acknowledgedAt,
      resolvedAt: st.resolvedAt,
      silencedAt: st.silencedAt,
      integration: { id: g.integrationId, type: g.integrationKind, name: integration?.name ?? g.integrationId },
      user: job.actor?.kind === 'user' ? (userOf(job.actor.id) ?? { id: job.actor.id, username: job.actor.name ?? job.actor.id, email: null }) : null,
      acknowledgedBy: userOf(g.acknowledgedBy),
      resolvedBy: userOf(g.resolvedBy),
      notifiedUsers: notified.map((id) => userOf(id) ?? { id, username: id, email: null }),
      responses,
      webLink,
    });
    const now = Date.parse(this.runtime.now());
    const fires = checkTrigger(w, ctx, now);
    if ('error' in fires) return { kind: 'error', error: fires.error };
    if (!fires.fire) return { kind: 'skip' };
    let authorization: string | null = null;
    if (w.authorizationHeader?.kind === 'value') authorization = w.authorizationHeader.value;
    else if (w.authorizationHeader?.kind === 'env') {
      authorization = this.runtime.settings.readSecret(w.authorizationHeader.name);
      if (authorization === null)
        return { kind: 'error', error: `authorization_header: ${w.authorizationHeader.name} (or ${w.authorizationHeader.name}_FILE) is not set` };
    }
    const planned = planRequest(w, ctx, authorization, now);
    if (!planned.ok) return { kind: 'error', error: planned.error };
    if (w.preset !== 'alertmanager_silence') return { kind: 'send', plan: planned.plan, preset: { kind: 'none' } };
    // One Alertmanager silence per group: wait for an attempt of this webhook that is still being sent.
    const busy = Object.entries(deliveries.deliveries).some(([id, d]) => id !== job.requestId && d.webhookId === w.id && !d.finished);
    if (busy) return { kind: 'wait', reason: 'another Alertmanager silence request of this group is in flight' };
    const am = planAlertmanagerSilence({
      url: planned.plan.url,
      trigger: job.trigger,
      group: g,
      activeSilenceId: deliveries.silence?.silenceId ?? null,
      headers: planned.plan.headers,
      now: new Date(now),
      webLink,
    });
    if (am.kind === 'none') return am.reason ? { kind: 'error', error: am.reason } : { kind: 'skip' };
    if (am.kind === 'create')
      return { kind: 'send', plan: am.plan, preset: { kind: 'am-create', integrationId: g.integrationId, baseUrl: planned.plan.url, matchers: am } };
    return { kind: 'send', plan: am.plan, preset: { kind: 'am-delete', integrationId: g.integrationId, silenceId: am.silenceId } };
  }

  private presetEvents(p: PresetEffect, alertGroupId: string, body: string): NewEvent[] {
    if (p.kind === 'am-create') {
      const silenceId = silenceIdOf(body);
      if (!silenceId) return [];
      return [
        {
          type: 'AlertmanagerSilenceCreated',
          data: {
            alertGroupId,
            integrationId: p.integrationId,
            silenceId,
            url: redactUrl(p.baseUrl),
            matchers: p.matchers.matchers,
            endsAt: p.matchers.endsAt,
          },
        },
      ];
    }
    if (p.kind === 'am-delete') return [{ type: 'AlertmanagerSilenceDeleted', data: { alertGroupId, integrationId: p.integrationId, silenceId: p.silenceId } }];
    return [];
  }
}

const pickRef = (r: OutgoingWebhookRef): OutgoingWebhookRef => ({
  alertGroupId: r.alertGroupId,
  requestId: r.requestId,
  webhookId: r.webhookId,
  trigger: r.trigger,
});

function parseMaybeJson(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
