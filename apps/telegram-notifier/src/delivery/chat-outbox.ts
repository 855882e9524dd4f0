import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { subjects, SYSTEM_ACTORS, type NewEvent, type NotificationRequestedData } from '@dozor/contracts';
import { EventStore, EventStoreUnavailableError, ExpectedVersion, Outcome, type FinalOutcome } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import {
  renderGroupMessage,
  signCallback,
  TELEGRAM_TEXT_LIMIT,
  type BookedSlot,
  type DeliveryFailure,
  type GroupView,
  type OutgoingMessage,
  type RenderedMessage,
  type RetryInfo,
  type SendOutcome,
} from '../telegram/index.js';
import { TelegramBot } from '../telegram-bot.js';
import { DEFAULT_BUNDLE_POLICY, nextStep, type BundlePolicy } from './bundling.js';
import { renderBundle } from './bundle-message.js';
import { GroupViews } from './group-views.js';
import { NotifierLiveness } from './notifier-liveness.js';

/** A claimed page waiting for its chat. */
export interface Page {
  req: NotificationRequestedData;
  causation: { eventId: string; correlationId: string };
  chatId: string;
  dispatchId: string;
  recovered: boolean;
  /** A slot booked while the claim was appended (`bookAhead`), for the page's own message. */
  booked?: Promise<BookedSlot>;
  /** The group's view as read just before the claim, and when: the message is rendered from it if it goes out soon after. */
  view?: { view: GroupView; readAt: number };
}

interface QueuedPage extends Page {
  resolve: (o: FinalOutcome) => void;
}

interface Bundle {
  bundleId: string;
  messageId: number;
  members: { alertGroupId: string; aggregateKey: string }[];
  lastGrownAt: number;
}

/** Renders what a message should show now, or null when there is nothing to show. */
export type Render = () => Promise<RenderedMessage | null>;

export type EditResult = { ok: true } | DeliveryFailure;

interface QueuedEdit {
  render: Render;
  waiters: ((r: EditResult) => void)[];
}

interface Lane {
  chatId: string;
  /** Messages a person asked for (a bundle's open button): first in line. */
  asked: (() => Promise<void>)[];
  queue: QueuedPage[];
  /** Edits by message id: a second edit of a message waiting for its turn joins the first (rendered when it runs). */
  edits: Map<number, QueuedEdit>;
  lastRequestEndedAt: number | null;
  bundle: Bundle | null;
  running: boolean;
}

/** How long a shutdown waits for the requests in flight to be recorded. */
const SHUTDOWN_WAIT_MS = 10_000;

/** Transient failures are offered to the consumer again after this long, unless Telegram said how long. */
const RETRY_MS = 5000;

/**
 * A view read this recently (before the claim) renders the page's message
 * without a second read; whatever changed meanwhile is shown by the edit
 * that follows every send (`sendSingle`).
 */
const VIEW_FRESH_MS = 250;

/**
 * The per-chat send queue of this process. A page enters it once claimed in
 * the log, and leaves it with its outcome recorded there; the consumer
 * message that asked for it stays unacked (kept alive) until then, so a
 * process that dies leaves the page to be recovered from the log by the
 * redelivery, and a queue longer than the ack wait is not redelivered.
 *
 * Each chat is worked by one loop at the pace of `BundlePolicy` (one request
 * per second, counted from the end of the previous one); when more pages are
 * due than that, they go out as one bundle message (bundling.ts). Edits for
 * state changes take the same lane, after new pages, one per message however
 * often it changed meanwhile; a message a person asks for goes first.
 */
@Injectable()
export class ChatOutbox implements OnApplicationShutdown {
  private readonly lanes = new Map<string, Lane>();
  private readonly held = new Map<string, Promise<FinalOutcome>>();
  private readonly draining = new Set<Promise<void>>();
  private readonly policy: BundlePolicy = DEFAULT_BUNDLE_POLICY;
  private stopping = false;
  /**
   * Test hook for the crash bound: exit right after a successful Bot API send,
   * before its outcome is recorded (test/integration/notifier-crash.int.spec.ts).
   */
  private readonly exitAfterSend = process.env.DOZOR_TEST_EXIT_AFTER_SEND === '1';

  constructor(
    private readonly store: EventStore,
    private readonly views: GroupViews,
    private readonly telegram: TelegramBot,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
    private readonly liveness: NotifierLiveness,
  ) {}

  /** The outcome of a claim this process holds, or undefined when it holds none by that id. */
  outcomeOf(dispatchId: string): Promise<FinalOutcome> | undefined {
    return this.held.get(dispatchId);
  }

  /**
   * Books the chat's next send slot now, while the page's claim is appended,
   * when the page will go out on its own at once (nothing queued or being sent
   * in its chat, no bundle open): the booking's round trip then overlaps the
   * append instead of following it. Pass it to `enqueue` with the page; a page
   * that ends up not sent, or sent in a bundle, leaves the slot empty.
   */
  bookAhead(chatId: string): Promise<BookedSlot> | undefined {
    const lane = this.lanes.get(chatId);
    if (this.stopping || !this.telegram.sender || (lane && (lane.running || lane.queue.length > 0 || lane.bundle))) return undefined;
    const booked = this.telegram.sender.book(chatId);
    booked.catch(() => undefined); // awaited by the send; unsent, its failure does not matter
    return booked;
  }

  enqueue(page: Page): Promise<FinalOutcome> {
    const lane = this.lane(page.chatId);
    const outcome = new Promise<FinalOutcome>((resolve) => lane.queue.push({ ...page, resolve }));
    this.held.set(page.dispatchId, outcome);
    void outcome.finally(() => this.held.delete(page.dispatchId));
    this.kick(lane);
    return outcome;
  }

  /** Queues an edit of a message in its chat's lane; `render` runs when its turn comes, so it shows the state of then. */
  edit(chatId: string, messageId: number, render: Render): Promise<EditResult> {
    const lane = this.lane(chatId);
    const result = new Promise<EditResult>((resolve) => {
      const queued = lane.edits.get(messageId);
      if (queued) {
        queued.render = render;
        queued.waiters.push(resolve);
      } else lane.edits.set(messageId, { render, waiters: [resolve] });
    });
    this.kick(lane);
    return result;
  }

  /** Sends a message a person asked for, ahead of the chat's pages; resolves with what Telegram answered. */
  send(chatId: string, msg: OutgoingMessage): Promise<SendOutcome> {
    const lane = this.lane(chatId);
    const result = new Promise<SendOutcome>((resolve, reject) =>
      lane.asked.push(async () => {
        try {
          resolve(await this.sender().send(chatId, msg));
        } catch (err) {
          reject(err as Error);
        } finally {
          lane.lastRequestEndedAt = Date.now();
        }
      }),
    );
    this.kick(lane);
    return result;
  }

  private lane(chatId: string): Lane {
    let lane = this.lanes.get(chatId);
    if (!lane) this.lanes.set(chatId, (lane = { chatId, asked: [], queue: [], edits: new Map(), lastRequestEndedAt: null, bundle: null, running: false }));
    return lane;
  }

  /**
   * Lets the request in flight in each chat finish and record its outcome (a
   * send cut off between the Bot API and the log would be sent again), then
   * gives up this process's liveness entry. Pages still queued stay claimed
   * and unsent; their consumer messages come back after the ack wait and any
   * notifier claims them again.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const draining = [...this.draining];
    await Promise.race([Promise.allSettled(draining), sleep(SHUTDOWN_WAIT_MS)]);
    await this.liveness.release();
  }

  private kick(lane: Lane): void {
    if (lane.running || this.stopping) return;
    lane.running = true;
    const drained = this.drain(lane).finally(() => {
      this.draining.delete(drained);
      lane.running = false;
      if (lane.asked.length > 0 || lane.queue.length > 0 || lane.edits.size > 0) this.kick(lane);
      else if (!lane.bundle || Date.now() - lane.bundle.lastGrownAt >= this.policy.windowMs) this.lanes.delete(lane.chatId);
    });
    this.draining.add(drained);
  }

  private async drain(lane: Lane): Promise<void> {
    while (!this.stopping) {
      const now = Date.now();
      const bundle = lane.bundle ? { members: lane.bundle.members.length, lastGrownAt: lane.bundle.lastGrownAt } : null;
      const step = nextStep(
        { lastRequestEndedAt: lane.lastRequestEndedAt, bundle },
        Math.max(lane.queue.length, lane.asked.length > 0 || lane.edits.size > 0 ? 1 : 0),
        now,
        this.policy,
      );
      if (step.kind === 'idle') return;
      if (step.kind === 'wait') {
        await sleep(step.ms);
        continue;
      }
      if (lane.asked.length > 0) {
        await lane.asked.shift()!();
        continue;
      }
      if (lane.queue.length === 0) {
        await this.nextEdit(lane);
        continue;
      }
      const taken = step.kind === 'single' ? lane.queue.splice(0, 1) : lane.queue.splice(0, step.take);
      try {
        const requested =
          step.kind === 'single'
            ? await this.sendSingle(lane, taken[0]!)
            : step.kind === 'new-bundle'
              ? await this.sendBundle(lane, taken)
              : await this.growBundle(lane, taken);
        if (requested) lane.lastRequestEndedAt = Date.now();
      } catch (err) {
        this.log.error(`delivery to chat ${lane.chatId} failed: ${(err as Error).stack ?? err}`, 'telegram');
        lane.lastRequestEndedAt = Date.now();
        for (const p of taken) p.resolve(Outcome.retry(`delivery failed: ${(err as Error).message}`, RETRY_MS) as FinalOutcome);
      }
    }
  }

  /**
   * The oldest queued edit, rendered now. Nothing here remembers what a
   * message shows: another replica may have edited it since ("message is not
   * modified" counts as success).
   */
  private async nextEdit(lane: Lane): Promise<void> {
    const [messageId, edit] = lane.edits.entries().next().value as [number, QueuedEdit];
    lane.edits.delete(messageId);
    let result: EditResult = { ok: true };
    try {
      const msg = await edit.render();
      if (msg) {
        const r = await this.sender().edit(lane.chatId, messageId, msg);
        lane.lastRequestEndedAt = Date.now();
        if (!r.ok) result = r;
      }
    } catch (err) {
      this.log.error(`edit of ${lane.chatId}/${messageId} failed: ${(err as Error).stack ?? err}`, 'telegram');
      result = { ok: false, permanent: false, reason: 'network_error', description: (err as Error).message, errorCode: null, attempts: 0 };
    }
    for (const w of edit.waiters) w(result);
  }

  /** The group's own message. Returns whether a Bot API request was made. */
  private async sendSingle(lane: Lane, page: QueuedPage): Promise<boolean> {
    const sender = this.sender();
    // The slot is booked while the view is read (two round trips at once), or was while the claim was appended; a page
    // that goes unsent leaves it empty.
    let booked = page.booked;
    if (!booked) {
      booked = sender.book(lane.chatId);
      booked.catch(() => undefined); // awaited by the send; unsent, its failure does not matter
    }
    const view =
      page.view && Date.now() - page.view.readAt <= VIEW_FRESH_MS ? page.view.view : await this.views.current(page.req.aggregateKey, page.req.alertGroupId);
    if (!view) {
      await this.recordFailed([page], 'the alert group is no longer current (a newer one opened for its grouping key)', true, 'Not sent');
      return false;
    }
    const msg = renderPage(view, this.runtime.settings.callbackSecret, page.req.reason);
    const sent = await sender.send(lane.chatId, { ...msg, disableNotification: false }, { onRetry: (r) => this.recordRetry([page], r), booked });
    if (!sent.ok) {
      await this.recordFailure([page], sent);
      return true;
    }
    this.crashHookAfterSend();
    await this.recordSent(page, sent.messageId);
    page.resolve(Outcome.done as FinalOutcome);
    // The group may have changed while the message was on its way, before its reference was in the log.
    void this.edit(lane.chatId, sent.messageId, async () => {
      const now = await this.views.current(page.req.aggregateKey, page.req.alertGroupId);
      const next = now ? renderPage(now, this.runtime.settings.callbackSecret, page.req.reason) : null;
      return next && next.text !== msg.text ? next : null;
    });
    return true;
  }

  /** A new bundle message listing the pages' groups. */
  private async sendBundle(lane: Lane, pages: QueuedPage[]): Promise<boolean> {
    const sender = this.sender();
    const members = uniqueMembers([], pages);
    const msg = renderBundle(await this.views.members(members), { callbackSecret: this.runtime.settings.callbackSecret });
    const sent = await sender.send(lane.chatId, msg, { onRetry: (r) => this.recordRetry(pages, r) });
    if (!sent.ok) {
      await this.recordFailure(pages, sent);
      return true;
    }
    this.crashHookAfterSend();
    const bundle: Bundle = { bundleId: `bundle-${randomBytes(8).toString('hex')}`, messageId: sent.messageId, members, lastGrownAt: Date.now() };
    await this.recordBundle(lane, bundle, pages[0]!);
    await Promise.all(pages.map((p) => this.recordSent(p, sent.messageId, bundle.bundleId)));
    lane.bundle = bundle;
    for (const p of pages) p.resolve(Outcome.done as FinalOutcome);
    this.refreshBundle(lane, bundle, msg.text);
    return true;
  }

  /** Adds the pages' groups to the chat's current bundle message. */
  private async growBundle(lane: Lane, pages: QueuedPage[]): Promise<boolean> {
    const sender = this.sender();
    const bundle = lane.bundle!;
    const grown: Bundle = { ...bundle, members: uniqueMembers(bundle.members, pages), lastGrownAt: Date.now() };
    // Members first: an edit for a state change made meanwhile (any replica) then lists them already.
    await this.recordBundle(lane, grown, pages[0]!);
    const msg = renderBundle(await this.views.members(grown.members), { callbackSecret: this.runtime.settings.callbackSecret });
    const edited = await sender.edit(lane.chatId, bundle.messageId, msg, { onRetry: (r) => this.recordRetry(pages, r) });
    if (!edited.ok) {
      if (edited.permanent) {
        // The bundle message is gone (deleted in the chat): these pages start the next one.
        lane.bundle = null;
        lane.queue.unshift(...pages);
      } else await this.recordFailure(pages, edited);
      return true;
    }
    this.crashHookAfterSend();
    await Promise.all(pages.map((p) => this.recordSent(p, bundle.messageId, bundle.bundleId)));
    lane.bundle = grown;
    for (const p of pages) p.resolve(Outcome.done as FinalOutcome);
    this.refreshBundle(lane, grown, msg.text);
    return true;
  }

  /** A member may have changed while the bundle was on its way, before its reference was in the log. */
  private refreshBundle(lane: Lane, bundle: Bundle, shownText: string): void {
    void this.edit(lane.chatId, bundle.messageId, async () => {
      // Rendered when its turn comes: from the bundle's members then, which may have grown (and been shown by that growth).
      const current = lane.bundle?.bundleId === bundle.bundleId ? lane.bundle : bundle;
      if (current.members.length !== bundle.members.length) return null;
      const next = renderBundle(await this.views.members(current.members), { callbackSecret: this.runtime.settings.callbackSecret });
      return next.text !== shownText ? next : null;
    });
  }

  private sender() {
    const s = this.telegram.sender;
    if (!s) throw new Error('Telegram is not configured');
    return s;
  }

  private crashHookAfterSend(): void {
    if (this.exitAfterSend) {
      this.log.warn('DOZOR_TEST_EXIT_AFTER_SEND: exiting after the Bot API call, before recording its outcome', 'telegram');
      process.exit(70);
    }
  }

  private async recordSent(page: Page, messageId: number, bundleId?: string): Promise<void> {
    const { req } = page;
    await this.record(
      req.alertGroupId,
      {
        type: 'NotificationSent',
        data: {
          alertGroupId: req.alertGroupId,
          notificationId: req.notificationId,
          userId: req.userId,
          channel: 'telegram',
          chatId: page.chatId,
          messageId,
          dispatchId: page.dispatchId,
          ...(page.recovered ? { recovered: true } : {}),
          ...(bundleId ? { bundleId } : {}),
        },
      },
      page,
      `${page.dispatchId}:sent`,
    );
  }

  private async recordBundle(lane: Lane, bundle: Bundle, first: Page): Promise<void> {
    await this.record(
      bundle.bundleId,
      {
        type: 'NotificationBundled',
        data: { bundleId: bundle.bundleId, userId: first.req.userId, chatId: lane.chatId, messageId: bundle.messageId, members: bundle.members },
      },
      first,
      `${bundle.bundleId}:${bundle.members.length}`,
    );
  }

  private async recordFailure(pages: QueuedPage[], f: DeliveryFailure): Promise<void> {
    const delayMs = f.retryAfterMs ?? RETRY_MS;
    const next = f.permanent ? 'Not retried: Telegram refused the message' : `Retried in ${Math.round(delayMs / 1000)}s`;
    await this.recordFailed(pages, `${f.reason}: ${f.description}`, f.permanent, next, delayMs);
  }

  private async recordFailed(pages: QueuedPage[], reason: string, permanent: boolean, next: string, delayMs = RETRY_MS): Promise<void> {
    await Promise.all(
      pages.map((p) =>
        this.record(
          p.req.alertGroupId,
          {
            type: 'NotificationFailed',
            data: {
              alertGroupId: p.req.alertGroupId,
              notificationId: p.req.notificationId,
              userId: p.req.userId,
              channel: 'telegram',
              reason,
              permanent,
              dispatchId: p.dispatchId,
              next,
            },
          },
          p,
          `${p.dispatchId}:failed`,
        ),
      ),
    );
    for (const p of pages) p.resolve((permanent ? Outcome.done : Outcome.retry(`telegram: ${reason}`, delayMs)) as FinalOutcome);
  }

  /** Best effort: a retry that cannot be recorded must not hold up the page. */
  private recordRetry(pages: Page[], r: RetryInfo): void {
    for (const p of pages) {
      const e: NewEvent = {
        type: 'NotificationRetrying',
        data: {
          alertGroupId: p.req.alertGroupId,
          notificationId: p.req.notificationId,
          userId: p.req.userId,
          chatId: p.chatId,
          reason: r.description || r.reason,
          errorCode: r.errorCode,
          retryAfterMs: r.retryAfterMs,
          attempt: r.attempt,
        },
      };
      this.store
        .append(subjects.notification(this.runtime.settings.topology, p.req.alertGroupId), [e], this.options(p))
        .catch((err: unknown) => this.log.warn(`cannot record a retry of ${p.req.notificationId}: ${(err as Error).message}`, 'telegram'));
    }
  }

  /**
   * Appends an outcome, retrying while the log is unreachable (NATS
   * restarting): the message is in the chat, so its reference must not be
   * lost, and giving up would get the page redelivered and sent again.
   */
  private async record(id: string, e: NewEvent, page: Page, msgId: string): Promise<void> {
    const subject = subjects.notification(this.runtime.settings.topology, id);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.append(subject, [e], { ...this.options(page), msgId });
        return;
      } catch (err) {
        if (!(err instanceof EventStoreUnavailableError)) throw err;
        this.log.warn(`recording ${e.type} for ${id} failed (attempt ${attempt}), retrying: ${err.message}`, 'telegram');
        await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  private options(page: Page) {
    return { expected: ExpectedVersion.any, actor: SYSTEM_ACTORS.telegram, source: 'system' as const, causation: page.causation };
  }
}

function uniqueMembers(existing: Bundle['members'], pages: Page[]): Bundle['members'] {
  const out = [...existing];
  const seen = new Set(out.map((m) => m.alertGroupId));
  for (const p of pages) {
    if (seen.has(p.req.alertGroupId)) continue;
    seen.add(p.req.alertGroupId);
    out.push({ alertGroupId: p.req.alertGroupId, aggregateKey: p.req.aggregateKey });
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The first line of a message that is not a page: an acknowledge reminder, or a resolve notice (escalator, `NotificationRequested.reason`). */
const REASON_LINE: Record<NonNullable<NotificationRequestedData['reason']>, string> = {
  ack_reminder: '⏰ <b>Reminder:</b> you acknowledged this alert group. Still on it?',
  resolve_notice: '✅ <b>Resolved:</b> an alert group you were paged for.',
};

/** The button that answers an acknowledge reminder. */
export const STILL_ON_IT = '✋ Still on it';

function renderPage(
  view: Parameters<typeof renderGroupMessage>[0],
  callbackSecret: Parameters<typeof renderGroupMessage>[1]['callbackSecret'],
  reason: NotificationRequestedData['reason'],
): RenderedMessage {
  if (!reason) return renderGroupMessage(view, { callbackSecret });
  const line = REASON_LINE[reason];
  // The group's text is cut shorter, so the line fits within Telegram's limit.
  const msg = renderGroupMessage(view, { callbackSecret, maxLength: TELEGRAM_TEXT_LIMIT - line.length - 1 });
  // A reminder is answered by acknowledging again (the router records AlertGroupAcknowledgmentConfirmed for the acknowledger).
  const keyboard =
    reason === 'ack_reminder' && view.state === 'acknowledged'
      ? [
          [{ text: STILL_ON_IT, callback_data: signCallback(callbackSecret, { action: 'acknowledge', alertGroupId: view.alertGroupId }) }],
          ...msg.reply_markup.inline_keyboard,
        ]
      : msg.reply_markup.inline_keyboard;
  return { ...msg, text: `${line}\n${msg.text}`, reply_markup: { inline_keyboard: keyboard } };
}
