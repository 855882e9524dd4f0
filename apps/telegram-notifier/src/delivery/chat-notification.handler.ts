import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { subjects, SYSTEM_ACTORS, type ChatNotificationRequestedData, type DozorEvent, type NewEvent, type Topology } from '@dozor/contracts';
import {
  EventStore,
  EventStoreUnavailableError,
  ExpectedVersion,
  Outcome,
  WrongExpectedVersionError,
  type HandlerOutcome,
  type RecordedCommit,
} from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { renderGroupMessage } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { decidePage, foldDispatches } from './dispatch-log.js';
import { viewOf } from './group-view.js';
import { NotifierGroupReader } from './notification.handler.js';
import { NotifierLiveness } from './notifier-liveness.js';

export const NOTIFIER_CHAT_REQUESTS = 'notifier.chat-requests';

/** Claims lost to another replica's append in a row before the delivery is offered again. */
const MAX_CLAIM_CONFLICTS = 8;
/** How soon to look again at a post another live notifier holds. */
const HELD_ELSEWHERE_RETRY_MS = 5000;

/**
 * Posts the group in a Telegram chat for a `notify_whole_channel` step, with
 * the group's buttons. The post is recorded as a NotificationSent (its
 * `userId` is `chat|<chatId>`) on the group's notification subject, so the
 * state edits that keep direct messages current keep this one current too.
 *
 * A post is claimed before it is sent, as a DM page is
 * (`NotificationDispatching` with the subject's expected version, see
 * docs/architecture.md, "Exactly one page"): a redelivery or another replica
 * finds the claim and does not post again; a claim whose notifier is gone
 * is taken over (`recovers`), which costs at most one duplicate post per
 * crash between the send and its record. Unlike pages, posts are sent from
 * the handler itself (one per step, no storm to bundle), within the
 * consumer's ack wait: the sender gives up on a slot more than 20 s ahead.
 */
@Controller()
export class ChatNotificationHandler {
  constructor(
    private readonly store: EventStore,
    private readonly groups: NotifierGroupReader,
    private readonly telegram: TelegramBot,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
    private readonly liveness: NotifierLiveness,
  ) {}

  /** Posts being claimed or sent in this process, by notificationId: a redelivery meanwhile joins it instead of racing it. */
  private readonly posting = new Map<string, { dispatchId: string | null; done: Promise<HandlerOutcome> }>();
  /** Test hook for the crash bound, as in ChatOutbox: exit right after the Bot API accepted the post. */
  private readonly exitAfterSend = process.env.DOZOR_TEST_EXIT_AFTER_SEND === '1';

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  @EventPattern(NOTIFIER_CHAT_REQUESTS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const requests = commit.events.filter((e): e is Extract<DozorEvent, { type: 'ChatNotificationRequested' }> => e.type === 'ChatNotificationRequested');
    if (requests.length === 0) return Outcome.skipped('no chat post requested');
    for (const r of requests) {
      const outcome = await this.post(r.data, r.metadata);
      if (outcome.kind === 'retry') return outcome;
    }
    return Outcome.done;
  }

  private post(req: ChatNotificationRequestedData, meta: DozorEvent['metadata']): Promise<HandlerOutcome> {
    const running = this.posting.get(req.notificationId);
    if (running) return running.done;
    const entry: { dispatchId: string | null; done: Promise<HandlerOutcome> } = { dispatchId: null, done: Promise.resolve(Outcome.done) };
    entry.done = this.claimAndPost(req, meta, entry).finally(() => this.posting.delete(req.notificationId));
    this.posting.set(req.notificationId, entry);
    return entry.done;
  }

  private async claimAndPost(req: ChatNotificationRequestedData, meta: DozorEvent['metadata'], entry: { dispatchId: string | null }): Promise<HandlerOutcome> {
    const subject = subjects.notification(this.topology, req.alertGroupId);
    const recipient = `chat|${req.chatId}`;
    const causation = { eventId: meta.eventId, correlationId: meta.correlationId };
    const options = { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system' as const, causation };
    const failed = (reason: string, dispatchId?: string) =>
      this.record(
        subject,
        {
          type: 'NotificationFailed',
          data: {
            alertGroupId: req.alertGroupId,
            notificationId: req.notificationId,
            userId: recipient,
            channel: 'telegram',
            reason,
            permanent: true,
            ...(dispatchId ? { dispatchId } : {}),
            next: 'Not retried',
          },
        },
        { ...options, msgId: `${dispatchId ?? req.notificationId}:failed:true` },
      );
    for (let conflicts = 0; conflicts < MAX_CLAIM_CONFLICTS; conflicts++) {
      const commits = await this.store.readSubject(subject);
      const version = commits.at(-1)?.seq ?? 0;
      const status = foldDispatches(commits.flatMap((c) => c.events)).pages.get(req.notificationId);
      const open = status?.open ?? null;
      // A claim of this process that it no longer holds (its send ended without an outcome) counts as orphaned.
      const alive = open?.owner && open.owner !== this.liveness.owner ? await this.liveness.alive(open.owner) : false;
      const decision = decidePage(
        status,
        () => false,
        () => alive,
      );
      switch (decision.kind) {
        case 'skip':
          return Outcome.skipped('already posted');
        case 'attach': // nothing is held across deliveries here: `posting` joins a redelivery to its first delivery
        case 'wait':
          return Outcome.retry(`claimed by notifier ${open?.owner ?? '?'}, which is alive`, HELD_ELSEWHERE_RETRY_MS);
        case 'claim':
        case 'recover':
          break;
        default: {
          const never: never = decision;
          throw new Error(`unhandled ${JSON.stringify(never)}`);
        }
      }
      const sender = this.telegram.sender;
      if (!sender) {
        await failed('Telegram is not configured (TELEGRAM_BOT_TOKEN is not set)');
        return Outcome.done;
      }
      const { state } = await this.groups.load(subjects.alertGroup(this.topology, req.aggregateKey));
      const view = viewOf(state.agg, req.alertGroupId, this.runtime.config, state.telegram);
      if (!view) return Outcome.skipped('alert group is no longer current');
      await this.liveness.start();
      const dispatchId = randomUUID();
      try {
        await this.store.append(
          subject,
          [
            {
              type: 'NotificationDispatching',
              data: {
                alertGroupId: req.alertGroupId,
                notificationId: req.notificationId,
                userId: recipient,
                chatId: req.chatId,
                attempt: decision.attempt,
                dispatchId,
                owner: this.liveness.owner,
                ...(decision.kind === 'recover' ? { recovers: decision.recovers } : {}),
              },
            },
          ],
          { ...options, expected: ExpectedVersion.exact(version), msgId: dispatchId },
        );
      } catch (err) {
        // Someone else wrote to the subject first (a claim, an outcome): decide again from what is there now.
        if (err instanceof WrongExpectedVersionError) continue;
        throw err;
      }
      entry.dispatchId = dispatchId;
      if (decision.kind === 'recover')
        this.log.warn(`recovering chat post ${req.notificationId}: claim ${decision.recovers} has no outcome and its notifier is gone`, 'telegram');
      const msg = renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret });
      const sent = await sender.send(req.chatId, {
        text: msg.text,
        parse_mode: msg.parse_mode,
        reply_markup: msg.reply_markup,
        ...(req.messageThreadId === undefined ? {} : { messageThreadId: req.messageThreadId }),
      });
      if (!sent.ok) {
        if (!sent.permanent) {
          // The claim is closed by its transient outcome, so the next delivery claims again (attempt + 1).
          const delayMs = sent.retryAfterMs ?? HELD_ELSEWHERE_RETRY_MS;
          await this.record(
            subject,
            {
              type: 'NotificationFailed',
              data: {
                alertGroupId: req.alertGroupId,
                notificationId: req.notificationId,
                userId: recipient,
                channel: 'telegram',
                reason: `${sent.reason}: ${sent.description}`,
                permanent: false,
                dispatchId,
                next: `Retried in ${Math.round(delayMs / 1000)}s`,
              },
            },
            { ...options, msgId: `${dispatchId}:failed` },
          );
          return Outcome.retry(`telegram: ${sent.description}`, delayMs);
        }
        this.log.warn(`cannot post ${req.alertGroupId} in chat ${req.chatId}: ${sent.description}`, 'telegram');
        await failed(`${sent.reason}: ${sent.description}`, dispatchId);
        return Outcome.done;
      }
      if (this.exitAfterSend) {
        this.log.warn('DOZOR_TEST_EXIT_AFTER_SEND: exiting after the Bot API call, before recording its outcome', 'telegram');
        process.exit(70);
      }
      await this.record(
        subject,
        {
          type: 'NotificationSent',
          data: {
            alertGroupId: req.alertGroupId,
            notificationId: req.notificationId,
            userId: recipient,
            channel: 'telegram',
            chatId: req.chatId,
            messageId: sent.messageId,
            dispatchId,
            ...(decision.kind === 'recover' ? { recovered: true } : {}),
          },
        },
        { ...options, msgId: `${dispatchId}:sent` },
      );
      return Outcome.done;
    }
    return Outcome.retry('the notification subject kept changing while claiming');
  }

  /**
   * Appends an outcome, retrying while the log is unreachable (NATS
   * restarting): once the post is in the chat its reference must not be lost,
   * and giving up would get it posted again.
   */
  private async record(subject: string, e: NewEvent, options: Parameters<EventStore['append']>[2]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.append(subject, [e], options);
        return;
      } catch (err) {
        if (!(err instanceof EventStoreUnavailableError)) throw err;
        this.log.warn(`recording ${e.type} on ${subject} failed (attempt ${attempt}), retrying: ${err.message}`, 'telegram');
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** Math.min(attempt, 5))));
      }
    }
  }
}

export function chatNotifierConsumers(t: Topology) {
  return { [NOTIFIER_CHAT_REQUESTS]: { durable: 'notifier-chat-requests', filter: subjects.allOf(t, 'escalation'), concurrency: 8 } };
}
