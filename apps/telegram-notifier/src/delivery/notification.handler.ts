import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { ALERT_GROUP_STATE_CHANGES, subjects, SYSTEM_ACTORS, type DozorEvent, type NotificationRequestedData, type Topology } from '@dozor/contracts';
import {
  EventStore,
  ExpectedVersion,
  Outcome,
  WrongExpectedVersionError,
  type FinalOutcome,
  type HandlerOutcome,
  type RecordedCommit,
} from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { renderGroupMessage } from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { TelegramAccounts, type TelegramAccount } from '../accounts/telegram-accounts.js';
import { ChatOutbox, type EditResult } from './chat-outbox.js';
import { decidePage, foldDispatches, type DispatchLog } from './dispatch-log.js';
import { GroupViews, NotifierGroupReader } from './group-views.js';
import { NotifierLiveness } from './notifier-liveness.js';
import { renderBundle } from './bundle-message.js';

export const NOTIFIER_REQUESTS = 'notifier.requests';
export const NOTIFIER_STATE = 'notifier.state';

const EDIT_ON = new Set<DozorEvent['type']>(['AlertAdded', ...ALERT_GROUP_STATE_CHANGES]);

export { evolveNotifierGroup, NotifierGroupReader, type NotifierGroupState } from './group-views.js';

/** Claims lost to another replica's append in a row before the delivery is offered again. */
const MAX_CLAIM_CONFLICTS = 8;
/** How soon to look again at a page another live notifier holds. */
const HELD_ELSEWHERE_RETRY_MS = 5000;

/**
 * Delivers NotificationRequested as Telegram DMs and keeps every message of a
 * group showing its current state. Claims, outcomes and message references
 * live in the log (`notification.<alertGroupId>`), so any replica can edit
 * any message and no two replicas send the same page.
 *
 * A page is claimed (`NotificationDispatching`, with the subject's expected
 * version) before anything is sent, then queued in this process's
 * ChatOutbox; the consumer message stays unacked, kept alive, until the
 * outcome is in the log. A redelivery finds the claim: held here, it waits
 * for it; held by a live notifier, it looks again later; held by a notifier
 * that is gone, it claims again and sends (see docs/architecture.md,
 * "Exactly one page").
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
    private readonly outbox: ChatOutbox,
    private readonly liveness: NotifierLiveness,
    private readonly views: GroupViews,
  ) {}

  /**
   * The Telegram account each user was last found to have. A page claims with
   * it while the account is read again, and takes the claim back (a transient
   * NotificationFailed) to claim again when the read finds another account.
   */
  private readonly lastAccount = new Map<string, TelegramAccount>();

  /** Pages being claimed in this process: a redelivery arriving meanwhile joins the first delivery instead of racing it. */
  private readonly claiming = new Map<string, Promise<HandlerOutcome>>();

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  private remember(user: { id: string } | undefined, account: TelegramAccount | null): TelegramAccount | null {
    if (!user) return account;
    if (account) this.lastAccount.set(user.id, account);
    else this.lastAccount.delete(user.id);
    return account;
  }

  private async dispatchLog(alertGroupId: string): Promise<DispatchLog & { version: number }> {
    const commits = await this.store.readSubject(subjects.notification(this.topology, alertGroupId));
    return { ...foldDispatches(commits.flatMap((c) => c.events)), version: commits.at(-1)?.seq ?? 0 };
  }

  @EventPattern(NOTIFIER_REQUESTS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const requests = commit.events.filter((e): e is Extract<DozorEvent, { type: 'NotificationRequested' }> => e.type === 'NotificationRequested');
    if (requests.length === 0) return Outcome.skipped('no notification requested');
    const outcomes: HandlerOutcome[] = [];
    for (const r of requests) outcomes.push(await this.deliver(r.data, r.metadata));
    const pending = outcomes.filter((o) => o.kind === 'pending');
    if (pending.length === 0) return outcomes.find((o) => o.kind === 'retry') ?? Outcome.done;
    const settled = Promise.all(outcomes.map((o) => (o.kind === 'pending' ? o.settled : (o as FinalOutcome))));
    return Outcome.pending(
      'queued for Telegram',
      settled.then((all) => all.find((o) => o.kind === 'retry') ?? (Outcome.done as FinalOutcome)),
    );
  }

  private deliver(req: NotificationRequestedData, meta: DozorEvent['metadata']): Promise<HandlerOutcome> {
    const running = this.claiming.get(req.notificationId);
    if (running) return running;
    const delivery = this.claimAndQueue(req, meta).finally(() => this.claiming.delete(req.notificationId));
    this.claiming.set(req.notificationId, delivery);
    return delivery;
  }

  private async claimAndQueue(req: NotificationRequestedData, meta: DozorEvent['metadata']): Promise<HandlerOutcome> {
    const subject = subjects.notification(this.topology, req.alertGroupId);
    const causation = { eventId: meta.eventId, correlationId: meta.correlationId };
    const fail = async (reason: string, next: string, dispatchId?: string) => {
      await this.store.append(
        subject,
        [
          {
            type: 'NotificationFailed',
            data: {
              alertGroupId: req.alertGroupId,
              notificationId: req.notificationId,
              userId: req.userId,
              channel: 'telegram',
              reason,
              permanent: true,
              ...(dispatchId ? { dispatchId } : {}),
              next,
            },
          },
        ],
        {
          expected: ExpectedVersion.any,
          actor: SYSTEM_ACTORS.telegram,
          source: 'system',
          causation,
          msgId: `${dispatchId ?? req.notificationId}:failed:true`,
        },
      );
    };
    const user = this.runtime.config.users.find((u) => u.id === req.userId);
    // The group's view is read beside the claim, not before it: it only says whether the page can still be shown, and
    // what it shows; a page whose group is no longer current is claimed and recorded as failed (rare: a newer group
    // opened for the grouping key meanwhile).
    const viewRead = this.views.current(req.aggregateKey, req.alertGroupId).then((view) => ({ view, readAt: Date.now() }));
    viewRead.catch(() => undefined); // awaited after the claim; unclaimed, its failure does not matter
    for (let conflicts = 0; conflicts < MAX_CLAIM_CONFLICTS; conflicts++) {
      // Two independent reads, at once. Only the dispatch log guards the claim (its version is the claim's expected
      // version). The first try takes the log as empty, without reading it: a page is most often the first on its
      // group's subject, and if it is not, the claim's expected version (no commit yet) fails and the loop reads it.
      // The account only says whether to claim at all, and where to; a change to it after this read is no different
      // from one just after the claim. The first try claims with the account last found and checks it after the claim.
      const accountRead = user ? this.accounts.accountOf(user) : Promise.resolve(null);
      accountRead.catch(() => undefined); // awaited below, or after the claim
      const known = conflicts === 0 && user ? this.lastAccount.get(user.id) : undefined;
      const [log, account] = await Promise.all([
        conflicts === 0 ? { pages: new Map(), refs: [], version: 0 } : this.dispatchLog(req.alertGroupId),
        known ?? accountRead.then((a) => this.remember(user, a)),
      ]);
      const status = log.pages.get(req.notificationId);
      // A claim of this process that it no longer holds (its work ended without an outcome) counts as orphaned.
      const open = status?.open ?? null;
      const held = (d: string) => this.outbox.outcomeOf(d) !== undefined;
      const alive = open?.owner && !held(open.dispatchId) && open.owner !== this.liveness.owner ? await this.liveness.alive(open.owner) : false;
      const decision = decidePage(status, held, () => alive);
      switch (decision.kind) {
        case 'skip':
          return Outcome.skipped('already delivered');
        case 'attach':
          return Outcome.pending('queued for Telegram in this process', this.outbox.outcomeOf(decision.dispatchId)!);
        case 'wait':
          return Outcome.retry(`claimed by notifier ${decision.owner}, which is alive`, HELD_ELSEWHERE_RETRY_MS);
        case 'claim':
        case 'recover':
          break;
        default: {
          const never: never = decision;
          throw new Error(`unhandled ${JSON.stringify(never)}`);
        }
      }
      if (!account) {
        await fail(`user ${req.userId} has no Telegram account (link one with a verification code, or set telegram_user_id in the config)`, 'Not retried');
        return Outcome.done;
      }
      if (!this.telegram.sender) {
        await fail('Telegram is not configured (TELEGRAM_BOT_TOKEN is not set)', 'Not retried');
        return Outcome.done;
      }
      await this.liveness.start();
      const dispatchId = randomUUID();
      // The send slot is booked while the claim is appended (the two round trips at once); the claim still comes first
      // in effect: nothing is sent before the append below succeeds, and a lost claim leaves its slot empty.
      const booked = this.outbox.bookAhead(account.chatId);
      try {
        await this.store.append(
          subject,
          [
            {
              type: 'NotificationDispatching',
              data: {
                alertGroupId: req.alertGroupId,
                notificationId: req.notificationId,
                userId: req.userId,
                chatId: account.chatId,
                attempt: decision.attempt,
                dispatchId,
                owner: this.liveness.owner,
                ...(decision.kind === 'recover' ? { recovers: decision.recovers } : {}),
              },
            },
          ],
          { expected: ExpectedVersion.exact(log.version), actor: SYSTEM_ACTORS.telegram, source: 'system', causation, msgId: dispatchId },
        );
      } catch (err) {
        // Someone else wrote to the subject first (a claim, an outcome, a retry): decide again from what is there now.
        if (err instanceof WrongExpectedVersionError) continue;
        throw err;
      }
      if (known) {
        const fresh = this.remember(user, await accountRead);
        if (fresh?.chatId !== known.chatId) {
          // Claimed for a chat that is no longer the user's: take the claim back (nothing was sent) and claim again.
          await this.store.append(
            subject,
            [
              {
                type: 'NotificationFailed',
                data: {
                  alertGroupId: req.alertGroupId,
                  notificationId: req.notificationId,
                  userId: req.userId,
                  channel: 'telegram',
                  reason: "the user's Telegram account changed while the page was claimed",
                  permanent: false,
                  dispatchId,
                  next: 'Claimed again at once',
                },
              },
            ],
            { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system', causation, msgId: `${dispatchId}:failed` },
          );
          continue;
        }
      }
      if (decision.kind === 'recover')
        this.log.warn(`recovering page ${req.notificationId}: claim ${decision.recovers} has no outcome and its notifier is gone`, 'telegram');
      const view = await viewRead;
      if (!view.view) {
        await fail('the alert group is no longer current (a newer one opened for its grouping key)', 'Not sent', dispatchId);
        return Outcome.done;
      }
      return Outcome.pending(
        'queued for Telegram',
        this.outbox.enqueue({
          req,
          causation,
          chatId: account.chatId,
          dispatchId,
          recovered: decision.kind === 'recover',
          ...(booked ? { booked } : {}),
          view: { view: view.view, readAt: view.readAt },
        }),
      );
    }
    return Outcome.retry('the notification subject kept changing while claiming');
  }

  /**
   * Edits every message Dozor sent for the groups a commit changed: each
   * group's own messages (recovered ones included) show its state, and each
   * storm bundle that lists it is re-rendered from its members.
   */
  @EventPattern(NOTIFIER_STATE)
  async onGroupCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const ids = new Set<string>();
    for (const e of commit.events) if (EDIT_ON.has(e.type)) ids.add((e.data as { alertGroupId: string }).alertGroupId);
    if (ids.size === 0 || !this.telegram.sender) return Outcome.skipped('nothing to edit');
    const { state } = await this.groups.load(commit.subject);
    const edits = new Map<string, Promise<EditResult>>();
    for (const id of ids) {
      const aggregateKey = state.agg.current?.alertGroupId === id ? state.agg.aggregateKey : null;
      if (!aggregateKey) continue;
      const { refs } = await this.dispatchLog(id);
      for (const ref of refs) {
        const key = `${ref.chatId}:${ref.messageId}`;
        if (edits.has(key)) continue;
        const render = ref.bundleId ? () => this.bundleMessage(ref.bundleId!) : () => this.ownMessage(aggregateKey, id);
        edits.set(key, this.outbox.edit(ref.chatId, ref.messageId, render));
      }
    }
    if (edits.size === 0) return Outcome.done;
    // The edits wait their turn in each chat's lane (behind new pages during a storm); the message is kept alive meanwhile.
    const settled = Promise.all(
      [...edits].map(async ([key, p]): Promise<FinalOutcome> => {
        const r = await p;
        if (r.ok) return Outcome.done as FinalOutcome;
        if (!r.permanent) return Outcome.retry(`telegram edit: ${r.description}`, r.retryAfterMs) as FinalOutcome;
        this.log.warn(`cannot edit message ${key}: ${r.description}`, 'telegram');
        return Outcome.done as FinalOutcome;
      }),
    ).then((all) => all.find((o) => o.kind === 'retry') ?? (Outcome.done as FinalOutcome));
    return Outcome.pending('edits queued for Telegram', settled);
  }

  private async ownMessage(aggregateKey: string, alertGroupId: string) {
    const view = await this.views.current(aggregateKey, alertGroupId);
    return view ? renderGroupMessage(view, { callbackSecret: this.runtime.settings.callbackSecret }) : null;
  }

  /** A bundle as its last NotificationBundled lists it, with every member's current state. */
  private async bundleMessage(bundleId: string) {
    const commits = await this.store.readSubject(subjects.notification(this.topology, bundleId));
    const last = commits
      .flatMap((c) => c.events)
      .filter((e): e is Extract<DozorEvent, { type: 'NotificationBundled' }> => e.type === 'NotificationBundled')
      .at(-1);
    if (!last) return null;
    return renderBundle(await this.views.members(last.data.members), { callbackSecret: this.runtime.settings.callbackSecret });
  }
}

export function notifierConsumers(t: Topology) {
  return {
    // Pages wait in the ChatOutbox with their messages kept alive (Outcome.pending), so the ack wait is only
    // how long a dead notifier's pages wait to be recovered, not a bound on the queue.
    [NOTIFIER_REQUESTS]: { durable: 'notifier-requests', filter: subjects.allOf(t, 'escalation'), concurrency: 16, ackWaitMs: 10_000 },
    [NOTIFIER_STATE]: { durable: 'notifier-state', filter: subjects.allOf(t, 'alert-group'), concurrency: 8 },
  };
}
