import type { RecordedCall, StoredMessage, InlineKeyboardMarkup } from '@dozor/testing';
import { groupNames, type Delivery, type StormGroup } from './storm.js';

/**
 * The acceptance checks of "Paging that holds", as pure functions over what
 * the test collected: the Bot API server's messages and call log, the REST
 * API's groups and timelines, and the crash log. Each returns the problems
 * it found (empty: holds), worded for a failure message.
 */

/** A group as `GET /api/v1/alert_groups` lists it (keyed by its alertname label, `Chaos0042`). */
export interface ApiGroup {
  id: string;
  state: string;
  alerts_count: number;
}

export interface Crash {
  atMs: number;
  /** When the crashed part was back (restarted and ready, or reachable again). */
  untilMs: number;
  /** e.g. `kill -9 telegram-notifier#0`, `kill -9 nats-server`. */
  what: string;
  /** A crash that can leave a send without its recorded outcome: a notifier replica or NATS. */
  canDuplicate: boolean;
}

const sentAt = (m: StoredMessage) => m.versions[0]!.atMs;
const mentions = (m: StoredMessage, name: string) => m.versions.some((v) => groupNames(v.text).includes(name));

/** Bot messages of the group's chat that name the group in any version (a bundle may list it only after an edit). */
export function messagesOf(g: StoredMessage[], name: string): StoredMessage[] {
  return g.filter((m) => mentions(m, name)).sort((a, b) => sentAt(a) - sentAt(b));
}

/** Every firing webhook was accepted, every accepted alert has a group in the API, and every group paged its user. */
export function lostAlerts(groups: StormGroup[], firing: Delivery[], api: Map<string, ApiGroup>, chats: Map<number, StoredMessage[]>): string[] {
  const out: string[] = [];
  groups.forEach((g, i) => {
    if (!firing[i]?.acceptedAtMs) out.push(`${g.name}: firing webhook never accepted (${firing[i]?.failures.join(',')})`);
    else if (!api.get(g.name)) out.push(`${g.name}: accepted, but no alert group in the API`);
    else if (api.get(g.name)!.alerts_count < 1) out.push(`${g.name}: group ${api.get(g.name)!.id} has no alert`);
    if (messagesOf(chats.get(g.chatId) ?? [], g.name).length === 0) out.push(`${g.name}: ${g.user} (chat ${g.chatId}) was never paged`);
  });
  return out;
}

export interface Duplicate {
  group: string;
  chatId: number;
  messageIds: number[];
  sentAtMs: number[];
  /** The crash the second message is put down to, or null. */
  crash: Crash | null;
}

/**
 * More than one message naming a group in its user's chat. A duplicate is
 * excused when a crash that can lose a send's outcome (a notifier replica or
 * NATS, killed) was under way between the first message and the second (it
 * began before the second, and was not over before the first: a send while
 * NATS is down cannot record its outcome), and then only one: the contract's
 * bound is one re-send per unknown outcome.
 */
export function duplicatePages(groups: StormGroup[], chats: Map<number, StoredMessage[]>, crashes: Crash[]): Duplicate[] {
  const out: Duplicate[] = [];
  for (const g of groups) {
    const ms = messagesOf(chats.get(g.chatId) ?? [], g.name);
    if (ms.length < 2) continue;
    const [first, second] = [sentAt(ms[0]!), sentAt(ms[1]!)];
    // The earliest such crash: the one under way when the first message went out.
    const crash = ms.length === 2 ? (crashes.find((c) => c.canDuplicate && c.atMs <= second && c.untilMs >= first) ?? null) : null;
    out.push({ group: g.name, chatId: g.chatId, messageIds: ms.map((m) => m.message_id), sentAtMs: ms.map(sentAt), crash });
  }
  return out;
}

/** Action tokens of a message's buttons for one group id. */
function buttonActions(m: StoredMessage, groupId: string): string[] {
  const rows = (m.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [];
  return rows
    .flat()
    .map((b) => /^1([^:]+):([^:]+):/.exec(b.callback_data ?? ''))
    .filter((x): x is RegExpExecArray => x !== null && x[2] === groupId)
    .map((x) => x[1]!);
}

/** Buttons a resolved group keeps: `R` unresolve, and a bundle's `o` open (which shows the group's own message, with its buttons). */
const KEPT_WHEN_RESOLVED = new Set(['R', 'o']);

/** Why a message naming a resolved group does not show it resolved; null when it does. */
function notResolvedIn(m: StoredMessage, name: string, groupId: string | undefined): string | null {
  const last = m.versions.at(-1)!;
  const own = groupNames(last.text).length <= 1;
  const line = last.text.split('\n').find((l) => groupNames(l).includes(name)) ?? '';
  if (!(own ? /Resolved/.test(last.text) : /resolved|🟢/i.test(line))) return `does not show it resolved: ${JSON.stringify(last.text.slice(0, 120))}`;
  const live = groupId ? buttonActions(m, groupId).filter((t) => !KEPT_WHEN_RESOLVED.has(t)) : [];
  return live.length > 0 ? `still has live buttons ${live.join(',')}` : null;
}

export interface ResolvedReport {
  problems: string[];
  /**
   * Messages of an excused duplicate that still show the group firing: the
   * log holds one reference per notification, so the other copy is never
   * edited. At most one per duplicate is excused; each is listed here.
   */
  orphans: string[];
}

/** A resolved group is resolved in the API and in every message naming it: the last version says so and offers no action but unresolve (or open). */
export function notResolvedEverywhere(
  resolved: StormGroup[],
  api: Map<string, ApiGroup>,
  chats: Map<number, StoredMessage[]>,
  excused: Duplicate[] = [],
): ResolvedReport {
  const out: ResolvedReport = { problems: [], orphans: [] };
  for (const g of resolved) {
    const a = api.get(g.name);
    if (a?.state !== 'resolved') out.problems.push(`${g.name}: API state ${a?.state ?? 'missing'}`);
    let spare = excused.some((d) => d.group === g.name && d.crash) ? 1 : 0;
    for (const m of messagesOf(chats.get(g.chatId) ?? [], g.name)) {
      const why = notResolvedIn(m, g.name, a?.id);
      if (!why) continue;
      const what = `${g.name}: message ${m.message_id} in chat ${g.chatId} ${why}`;
      if (spare-- > 0) out.orphans.push(what);
      else out.problems.push(what);
    }
  }
  return out;
}

/**
 * How long after a 429 reaches the Bot API a send to the same chat may still
 * arrive without breaking the pause: it passed its last check (a read of the
 * limits entry) before the 429's answer got back and the pause reached KV, and
 * was already on its way (docs/architecture.md, Telegram). Covers the 429's
 * answer, one KV write, and the other request's transit on a loaded machine.
 */
export const IN_FLIGHT_MS = 500;

/**
 * After a 429 with retry_after r to chat C at t, no sendMessage to C arrived
 * between t + IN_FLIGHT_MS and t + r s, from any replica. Sends inside the
 * in-flight margin are not problems; they are added to `inFlight` when given.
 */
export function retryAfterViolations(sendCalls: RecordedCall[], inFlight: string[] = []): string[] {
  const out: string[] = [];
  const byChat = new Map<string, RecordedCall[]>();
  for (const c of sendCalls) byChat.set(String(c.params.chat_id), [...(byChat.get(String(c.params.chat_id)) ?? []), c]);
  for (const [chat, calls] of byChat) {
    calls.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    for (const c of calls) {
      const ra = c.status === 429 && c.response && !c.response.ok ? c.response.parameters?.retry_after : undefined;
      if (ra === undefined) continue;
      const early = calls.filter((d) => d.seq !== c.seq && d.atMs >= c.atMs && d.atMs < c.atMs + ra * 1000);
      const names = (x: RecordedCall) => groupNames(String(x.params.text ?? '')).join(',');
      for (const d of early)
        (d.atMs - c.atMs < IN_FLIGHT_MS ? inFlight : out).push(
          `chat ${chat}: sendMessage (${names(d)}; answered ${d.status}) ${d.atMs - c.atMs} ms after a 429 with retry_after ${ra} s (to ${names(c)})`,
        );
    }
  }
  return out;
}

/**
 * Every injected 429/502 on a message naming a group has its own entry in
 * that group's REST timeline: a NotificationRetrying when the sender retried
 * by itself, or, for the failure that ended its attempts (the fifth, or a
 * retry_after longer than it waits), a NotificationFailed saying when the
 * page is tried again.
 */
export function retriesMissingFromTimeline(sendCalls: RecordedCall[], api: Map<string, ApiGroup>, timelines: Map<string, { event: string }[]>): string[] {
  const failures = new Map<string, number>();
  for (const c of sendCalls) {
    if (!c.injected || (c.status !== 429 && c.status < 500)) continue;
    for (const name of groupNames(String(c.params.text ?? ''))) failures.set(name, (failures.get(name) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const [name, n] of [...failures].sort()) {
    const id = api.get(name)?.id;
    const entries = (id ? (timelines.get(id) ?? []) : []).filter((t) => t.event === 'NotificationRetrying' || t.event === 'NotificationFailed').length;
    if (entries < n) out.push(`${name}: ${n} injected failures, ${entries} NotificationRetrying and NotificationFailed entries in the timeline`);
  }
  return out;
}
