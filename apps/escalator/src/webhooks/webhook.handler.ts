import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import {
  parseAlertGroupId,
  subjects,
  webhookEventRequestId,
  type Actor,
  type DozorEvent,
  type EventOf,
  type Topology,
  type WebhookTrigger,
} from '@dozor/contracts';
import { firesOn, passesIntegrationFilter, triggerOfEvent, webhooksFor, type WebhookDef } from '@dozor/domain';
import { Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { WebhookGroupReader, type WebhookGroupState } from './webhook-groups.js';
import { WebhookSender, type WebhookJob } from './webhook.sender.js';

export const WEBHOOK_GROUPS = 'webhooks.alert-group';
export const WEBHOOK_REQUESTS = 'webhooks.requests';
export const WEBHOOK_NOTIFICATIONS = 'webhooks.notifications';

/** One delivery holds its message through up to 4 attempts of 4 s and 7 s of backoff; the ack wait leaves room for that. */
const WEBHOOK_ACK_WAIT_MS = 120_000;

/**
 * Outgoing webhooks (docs/webhooks.md): status triggers from alert-group
 * events, `escalation_step` from OutgoingWebhookRequested (appended by a
 * `trigger_webhook` step), `personal_notification` from NotificationSent.
 * Each trigger of each webhook is one delivery with a deterministic request
 * id, so a redelivered commit finds it done.
 */
@Controller()
export class WebhookHandler {
  constructor(
    private readonly groups: WebhookGroupReader,
    private readonly sender: WebhookSender,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  private get webhooks(): readonly WebhookDef[] {
    return this.runtime.config.webhooks;
  }

  @EventPattern(WEBHOOK_GROUPS)
  async onGroupCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const jobs: Promise<WebhookJob[]>[] = [];
    for (const e of commit.events) {
      const trigger = triggerOfEvent(e);
      if (!trigger) continue;
      jobs.push(...this.eventJobs(commit, e, trigger, commit.subject));
    }
    return this.run(jobs);
  }

  @EventPattern(WEBHOOK_NOTIFICATIONS)
  async onNotificationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const jobs: Promise<WebhookJob[]>[] = [];
    for (const e of commit.events) {
      if (e.type !== 'NotificationSent') continue;
      const key = parseAlertGroupId(e.data.alertGroupId)?.aggregateKey;
      if (!key) continue;
      const actor: Actor = { kind: 'user', id: e.data.userId };
      jobs.push(...this.eventJobs(commit, e, 'personal_notification', subjects.alertGroup(this.topology, key), actor));
    }
    return this.run(jobs);
  }

  @EventPattern(WEBHOOK_REQUESTS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const jobs: Promise<WebhookJob[]>[] = [];
    for (const e of commit.events) {
      if (e.type !== 'OutgoingWebhookRequested') continue;
      const key = parseAlertGroupId(e.data.alertGroupId)?.aggregateKey;
      if (!key) continue;
      const w = this.webhooks.find((x) => x.id === e.data.webhookId);
      if (!w) {
        this.log.warn(`${e.data.requestId}: no webhook ${e.data.webhookId} in ${this.runtime.config.file}`, 'webhooks');
        jobs.push(this.sender.recordFailure(e.data, `no webhook ${e.data.webhookId} in the configuration`, cause(e)).then(() => []));
        continue;
      }
      jobs.push(this.stepJob(subjects.alertGroup(this.topology, key), w, e));
    }
    return this.run(jobs);
  }

  private eventJobs(commit: RecordedCommit, e: DozorEvent, trigger: WebhookTrigger, groupSubject: string, actor?: Actor): Promise<WebhookJob[]>[] {
    const alertGroupId = (e.data as { alertGroupId?: string }).alertGroupId;
    // Most installations have few webhooks: do not read the group for a trigger nothing fires on.
    if (!alertGroupId || !this.webhooks.some((w) => w.isWebhookEnabled && firesOn(w, trigger))) return [];
    return [
      (async () => {
        const state = await this.currentGroup(groupSubject, alertGroupId);
        if (!state) return [];
        return webhooksFor(this.webhooks, trigger, state.agg.current!.integrationId).map((w): WebhookJob => ({
          requestId: webhookEventRequestId(alertGroupId, trigger, commit.seq, w.id),
          webhook: w,
          trigger,
          group: state,
          eventTime: e.metadata.occurredAt,
          actor: actor ?? e.metadata.actor,
          causation: cause(e),
        }));
      })(),
    ];
  }

  /** The group's state, or null when it is not the current one of its subject or was opened in maintenance/debug mode. */
  private async currentGroup(groupSubject: string, alertGroupId: string): Promise<WebhookGroupState | null> {
    const { state } = await this.groups.load(groupSubject);
    const g = state.agg.current;
    return g && g.alertGroupId === alertGroupId && !g.mode ? state : null;
  }

  private async stepJob(groupSubject: string, w: WebhookDef, e: EventOf<'OutgoingWebhookRequested'>): Promise<WebhookJob[]> {
    const state = await this.currentGroup(groupSubject, e.data.alertGroupId);
    if (!state || !w.isWebhookEnabled || !passesIntegrationFilter(w, state.agg.current!.integrationId)) return [];
    return [
      { requestId: e.data.requestId, webhook: w, trigger: 'escalation_step', group: state, eventTime: e.metadata.occurredAt, actor: null, causation: cause(e) },
    ];
  }

  private async run(jobs: Promise<WebhookJob[]>[]): Promise<HandlerOutcome> {
    const all = (await Promise.all(jobs)).flat();
    if (all.length === 0) return Outcome.skipped('no webhook fires');
    const outcomes = await Promise.all(all.map((j) => this.sender.deliver(j)));
    return outcomes.find((o) => o.kind === 'retry') ?? Outcome.done;
  }
}

const cause = (e: DozorEvent): { eventId: string; correlationId: string } => ({ eventId: e.metadata.eventId, correlationId: e.metadata.correlationId });

export function webhookConsumers(t: Topology) {
  // New messages only: a consumer added to a running installation must not fire webhooks for its history.
  const common = { concurrency: 16, ackWaitMs: WEBHOOK_ACK_WAIT_MS, deliverNew: true };
  return {
    [WEBHOOK_GROUPS]: { durable: 'escalator-webhooks-alert-group', filter: subjects.allOf(t, 'alert-group'), ...common },
    [WEBHOOK_REQUESTS]: { durable: 'escalator-webhooks-requests', filter: subjects.allOf(t, 'escalation'), ...common },
    [WEBHOOK_NOTIFICATIONS]: { durable: 'escalator-webhooks-notifications', filter: subjects.allOf(t, 'notification'), ...common },
  };
}
