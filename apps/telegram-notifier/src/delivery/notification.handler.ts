import { Controller, Injectable } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { subjects, SYSTEM_ACTORS, type DozorEvent, type NotificationRequestedData, type Topology } from '@dozor/contracts';
import { alertGroupDecider, type AlertGroupAggregate } from '@dozor/domain';
import { renderTelegramTemplates, type RenderedTelegram } from './telegram-templates.js';
import { AggregateRepository, EventStore, ExpectedVersion, Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { renderGroupMessage } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { viewOf } from './group-view.js';
import { TelegramAccounts } from '../accounts/telegram-accounts.js';

export const NOTIFIER_REQUESTS = 'notifier.requests';
export const NOTIFIER_STATE = 'notifier.state';

const EDIT_ON = new Set<DozorEvent['type']>([
  'AlertAdded',
  'AlertGroupAcknowledged',
  'AlertGroupUnacknowledged',
  'AlertGroupResolved',
  'AlertGroupUnresolved',
  'AlertGroupSilenced',
  'AlertGroupUnsilenced',
]);

/** The alert-group aggregate plus the current group's telegram_title/telegram_message, rendered once from its first alert. */
export interface NotifierGroupState {
  agg: AlertGroupAggregate;
  telegram: { alertGroupId: string; rendered: RenderedTelegram } | null;
}

export function evolveNotifierGroup(s: NotifierGroupState, e: DozorEvent, runtime: Pick<Runtime, 'config' | 'settings'>): NotifierGroupState {
  const agg = alertGroupDecider.evolve(s.agg, e);
  const g = s.agg.current;
  if (e.type !== 'AlertAdded' || !g || g.alertGroupId !== e.data.alertGroupId || g.alertsCount !== 0) return agg === s.agg ? s : { ...s, agg };
  const integration = runtime.config.integrations.find((i) => i.id === g.integrationId);
  const rendered = integration
    ? renderTelegramTemplates(integration, g, e.data.payload, { publicUrl: runtime.settings.publicUrl, now: Date.parse(e.metadata.occurredAt) })
    : null;
  return { agg, telegram: rendered ? { alertGroupId: g.alertGroupId, rendered } : null };
}

@Injectable()
export class NotifierGroupReader extends AggregateRepository<NotifierGroupState> {
  constructor(store: EventStore, runtime: Runtime) {
    super(store, { initialState: () => ({ agg: alertGroupDecider.initialState(), telegram: null }), evolve: (s, e) => evolveNotifierGroup(s, e, runtime) });
  }
}

interface MessageRef {
  notificationId: string;
  chatId: string;
  messageId: number;
}

/**
 * Delivers NotificationRequested as Telegram DMs and keeps every message of a
 * group showing its current state. Message references live in the log
 * (`notification.<alertGroupId>`), so any replica can edit any message.
 */
@Controller()
export class NotificationHandler {
  constructor(
    private readonly store: EventStore,
    private readonly groups: NotifierGroupReader,
    private readonly telegram: TelegramBot,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
    private readonly accounts: TelegramAccounts,
  ) {}

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  private async deliveries(alertGroupId: string): Promise<{ done: Set<string>; refs: MessageRef[] }> {
    const done = new Set<string>();
    const refs: MessageRef[] = [];
    for (const c of await this.store.readSubject(subjects.notification(this.topology, alertGroupId))) {
      for (const e of c.events) {
        if (e.type === 'NotificationSent') {
          done.add(e.data.notificationId);
          refs.push({ notificationId: e.data.notificationId, chatId: e.data.chatId, messageId: e.data.messageId });
        } else if (e.type === 'NotificationFailed' && e.data.permanent) done.add(e.data.notificationId);
      }
    }
    return { done, refs };
  }

  @EventPattern(NOTIFIER_REQUESTS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const requests = commit.events.filter((e): e is Extract<DozorEvent, { type: 'NotificationRequested' }> => e.type === 'NotificationRequested');
    if (requests.length === 0) return Outcome.skipped('no notification requested');
    for (const r of requests) {
      const outcome = await this.deliver(r.data, r.metadata);
      if (outcome.kind === 'retry') return outcome;
    }
    return Outcome.done;
  }

  private async deliver(req: NotificationRequestedData, meta: DozorEvent['metadata']): Promise<HandlerOutcome> {
    const subject = subjects.notification(this.topology, req.alertGroupId);
    const { done } = await this.deliveries(req.alertGroupId);
    if (done.has(req.notificationId)) return Outcome.skipped('already delivered');
    const causation = { eventId: meta.eventId, correlationId: meta.correlationId };
    const fail = async (reason: string, permanent: boolean) => {
      await this.store.append(
        subject,
        [
          {
            type: 'NotificationFailed',
            data: { alertGroupId: req.alertGroupId, notificationId: req.notificationId, userId: req.userId, channel: 'telegram', reason, permanent },
          },
        ],
        {
          expected: ExpectedVersion.any,
          actor: SYSTEM_ACTORS.telegram,
          source: 'system',
          causation,
          msgId: `${req.notificationId}:failed:${permanent}`,
        },
      );
    };
    const user = this.runtime.config.users.find((u) => u.id === req.userId);
    const account = user ? await this.accounts.accountOf(user) : null;
    if (!account) {
      await fail(`user ${req.userId} has no Telegram account (link one with a verification code, or set telegram_user_id in the config)`, true);
      return Outcome.done;
    }
    const sender = this.telegram.sender;
    if (!sender) {
      await fail('Telegram is not configured (TELEGRAM_BOT_TOKEN is not set)', true);
      return Outcome.done;
    }
    const { state } = await this.groups.load(subjects.alertGroup(this.topology, req.aggregateKey));
    const view = viewOf(state.agg, req.alertGroupId, this.runtime.config, state.telegram);
    if (!view) return Outcome.skipped('alert group is no longer current');
    const msg = renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret });
    const sent = await sender.send(account.chatId, { text: msg.text, parse_mode: msg.parse_mode, reply_markup: msg.reply_markup, disableNotification: false });
    if (!sent.ok) {
      if (!sent.permanent) return Outcome.retry(`telegram: ${sent.description}`, sent.retryAfterMs);
      await fail(`${sent.reason}: ${sent.description}`, true);
      return Outcome.done;
    }
    await this.store.append(
      subject,
      [
        {
          type: 'NotificationSent',
          data: {
            alertGroupId: req.alertGroupId,
            notificationId: req.notificationId,
            userId: req.userId,
            channel: 'telegram',
            chatId: account.chatId,
            messageId: sent.messageId,
          },
        },
      ],
      { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system', causation, msgId: `${req.notificationId}:sent` },
    );
    // The group may have changed while the message was on its way, before its reference was in the log.
    const { state: after } = await this.groups.load(subjects.alertGroup(this.topology, req.aggregateKey));
    const now = viewOf(after.agg, req.alertGroupId, this.runtime.config, after.telegram);
    if (now && JSON.stringify(now) !== JSON.stringify(view)) {
      const m2 = renderGroupMessage(now, { callbackSecret: this.runtime.settings.callbackSecret });
      await sender.edit(account.chatId, sent.messageId, { text: m2.text, parse_mode: m2.parse_mode, reply_markup: m2.reply_markup });
    }
    return Outcome.done;
  }

  @EventPattern(NOTIFIER_STATE)
  async onGroupCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const ids = new Set<string>();
    for (const e of commit.events) if (EDIT_ON.has(e.type)) ids.add((e.data as { alertGroupId: string }).alertGroupId);
    if (ids.size === 0 || !this.telegram.sender) return Outcome.skipped('nothing to edit');
    const { state } = await this.groups.load(commit.subject);
    for (const id of ids) {
      const view = viewOf(state.agg, id, this.runtime.config, state.telegram);
      if (!view) continue;
      const { refs } = await this.deliveries(id);
      const msg = renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret });
      for (const ref of refs) {
        const r = await this.telegram.sender.edit(ref.chatId, ref.messageId, { text: msg.text, parse_mode: msg.parse_mode, reply_markup: msg.reply_markup });
        if (!r.ok) {
          if (!r.permanent) return Outcome.retry(`telegram edit: ${r.description}`, r.retryAfterMs);
          this.log.warn(`cannot edit message ${ref.chatId}/${ref.messageId}: ${r.description}`, 'telegram');
        }
      }
    }
    return Outcome.done;
  }
}

export function notifierConsumers(t: Topology) {
  return {
    [NOTIFIER_REQUESTS]: { durable: 'notifier-requests', filter: subjects.allOf(t, 'escalation'), concurrency: 16 },
    [NOTIFIER_STATE]: { durable: 'notifier-state', filter: subjects.allOf(t, 'alert-group'), concurrency: 8 },
  };
}
