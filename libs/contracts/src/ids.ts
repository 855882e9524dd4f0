import { createHash } from 'node:crypto';

/**
 * Identifier helpers. Alert group ids are `<aggregateKey>-<generation>`: the
 * aggregate key names the subject that holds every generation of a grouping key,
 * and the generation counts groups opened for it (a firing after a resolve opens
 * the next one).
 */
export function alertGroupId(aggregateKey: string, generation: number): string {
  return `${aggregateKey}-${generation}`;
}

export function parseAlertGroupId(id: string): { aggregateKey: string; generation: number } | null {
  const m = /^([a-z2-7]{8,32})-([1-9][0-9]{0,8})$/.exec(id);
  return m ? { aggregateKey: m[1]!, generation: Number(m[2]) } : null;
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The aggregate key of a grouping key of an integration: 20 base32 characters
 * (100 bits) of `sha256(integrationId + "\n" + groupingKey)`. It names the
 * alert-group subject that holds every generation of that grouping key.
 */
export function aggregateKeyOf(integrationId: string, groupingKey: string): string {
  return base32(createHash('sha256').update(`${integrationId}\n${groupingKey}`).digest()).slice(0, 20);
}

/**
 * A direct page's id. With an `Idempotency-Key`, `k` + 20 base32 of
 * `sha256(actorId + "\n" + key)`: a retry by the same caller with the same key
 * names the same page. Without one, `p` + 20 base32 of `random` (16 random bytes).
 */
export function directPageId(actorId: string, idempotencyKey: string | null, random: Uint8Array): string {
  if (idempotencyKey === null) return `p${base32(createHash('sha256').update(random).digest()).slice(0, 20)}`;
  return `k${base32(createHash('sha256').update(`${actorId}\n${idempotencyKey}`).digest()).slice(0, 20)}`;
}

/**
 * The subject (aggregate key) of the group a direct page opens: from the page
 * id alone, whatever the team, so a retry with the same key finds its group.
 */
export function directPageAggregateKey(pageId: string): string {
  return aggregateKeyOf('direct-paging', pageId);
}

/** sha256 (hex) of a value's JSON with sorted keys: a direct page request's fingerprint. */
export function canonicalSha256(value: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(value)))
    .digest('hex');
}

/*
 * Timer ids are deterministic, so the due-table (a projection of the log) and
 * the deciders that check "is this the current timer?" agree without storing
 * anything else. Each kind has a formatter and a parser here; the parts never
 * contain the separator that follows them (alert group and integration ids
 * have no `:` or `|`; instants end the id).
 */

/** An escalation wait: `esc:<alertGroupId>:<epoch>:<stepIndex>`; the epoch counts escalation (re)starts. */
export function escalationTimerId(alertGroupId: string, epoch: number, stepIndex: number): string {
  return `esc:${alertGroupId}:${epoch}:${stepIndex}`;
}

export function parseEscalationTimerId(id: string): { alertGroupId: string; epoch: number; stepIndex: number } | null {
  const m = /^esc:([^:|]+):(\d+):(\d+)$/.exec(id);
  return m ? { alertGroupId: m[1]!, epoch: Number(m[2]), stepIndex: Number(m[3]) } : null;
}

/** The end of a timed silence: `silence:<alertGroupId>|<until>`. */
export function silenceTimerId(alertGroupId: string, until: string): string {
  return `silence:${alertGroupId}|${until}`;
}

export function parseSilenceTimerId(id: string): { alertGroupId: string; until: string } | null {
  const m = /^silence:([^|]+)\|(.+)$/.exec(id);
  return m ? { alertGroupId: m[1]!, until: m[2]! } : null;
}

/** The end of a timed maintenance (fired onto the integration subject): `maintenance:<integrationId>:<maintenanceId>`. */
export function maintenanceTimerId(integrationId: string, maintenanceId: string): string {
  return `maintenance:${integrationId}:${maintenanceId}`;
}

export function parseMaintenanceTimerId(id: string): { integrationId: string; maintenanceId: string } | null {
  const m = /^maintenance:([^:|]+):(.+)$/.exec(id);
  return m ? { integrationId: m[1]!, maintenanceId: m[2]! } : null;
}

/** A heartbeat deadline: `heartbeat:<integrationId>|<dueAt>`; each heartbeat bucket has its own. */
export function heartbeatTimerId(integrationId: string, dueAt: string): string {
  return `heartbeat:${integrationId}|${dueAt}`;
}

export function parseHeartbeatTimerId(id: string): { integrationId: string; dueAt: string } | null {
  const m = /^heartbeat:([^|]+)\|(.+)$/.exec(id);
  return m ? { integrationId: m[1]!, dueAt: m[2]! } : null;
}

/**
 * An acknowledge reminder: `reminder:<alertGroupId>:<ack>:<n>`. `ack` is the
 * stream sequence of the acknowledgment it follows (a new ack gets new ids,
 * as OnCall's unacknowledge process id does) and `n` counts the reminders of
 * that ack from 1.
 */
export function reminderTimerId(alertGroupId: string, ack: number, n: number): string {
  return `reminder:${alertGroupId}:${ack}:${n}`;
}

export function parseReminderTimerId(id: string): { alertGroupId: string; ack: number; n: number } | null {
  const m = /^reminder:([^:|]+):(\d+):(\d+)$/.exec(id);
  return m ? { alertGroupId: m[1]!, ack: Number(m[2]), n: Number(m[3]) } : null;
}

/** The answer deadline of reminder `n` of an acknowledgment: `unack:<alertGroupId>:<ack>:<n>`; unanswered, the group is unacknowledged. */
export function unackTimerId(alertGroupId: string, ack: number, n: number): string {
  return `unack:${alertGroupId}:${ack}:${n}`;
}

export function parseUnackTimerId(id: string): { alertGroupId: string; ack: number; n: number } | null {
  const m = /^unack:([^:|]+):(\d+):(\d+)$/.exec(id);
  return m ? { alertGroupId: m[1]!, ack: Number(m[2]), n: Number(m[3]) } : null;
}

/**
 * A personal wait of a user's notification policy:
 * `personal:<alertGroupId>:<epoch>:<stepIndex>:<ruleIndex>:<userId>`, where
 * `ruleIndex` is the rule that runs when it is due. Its own timer, not the
 * chain's (`esc:`), so the chain's next step does not replace it.
 */
export function personalTimerId(alertGroupId: string, epoch: number, stepIndex: number, ruleIndex: number, userId: string): string {
  return `personal:${alertGroupId}:${epoch}:${stepIndex}:${ruleIndex}:${userId}`;
}

export function parsePersonalTimerId(id: string): { alertGroupId: string; epoch: number; stepIndex: number; ruleIndex: number; userId: string } | null {
  const m = /^personal:([^:|]+):(\d+):(\d+):(\d+):([^:|]+)$/.exec(id);
  return m ? { alertGroupId: m[1]!, epoch: Number(m[2]), stepIndex: Number(m[3]), ruleIndex: Number(m[4]), userId: m[5]! } : null;
}

/**
 * A later Telegram message of a user's personal policy (rule `ruleIndex` > the
 * first): `ntf:<alertGroupId>:<epoch>:<stepIndex>:<userId>#<ruleIndex>`. The
 * first one keeps `notificationId`'s form, so a user without a policy, or
 * whose list starts with a message, is paged under the same id as before.
 */
export function personalNotificationId(alertGroupId: string, epoch: number, stepIndex: number, userId: string, ruleIndex: number): string {
  return `${notificationId(alertGroupId, epoch, stepIndex, userId)}#${ruleIndex}`;
}

/** Acknowledge reminder `n` of the ack at stream sequence `ack`, to `userId`: `ntf:<alertGroupId>:ack<ack>:reminder<n>:<userId>`. */
export function reminderNotificationId(alertGroupId: string, ack: number, n: number, userId: string): string {
  return `ntf:${alertGroupId}:ack${ack}:reminder${n}:${userId}`;
}

/** The resolve notice of the resolve at stream sequence `resolve`, to `userId`: `ntf:<alertGroupId>:resolve${resolve}:notice:<userId>`. */
export function resolveNoticeNotificationId(alertGroupId: string, resolve: number, userId: string): string {
  return `ntf:${alertGroupId}:resolve${resolve}:notice:${userId}`;
}

/** One notification of one user by one step run: `ntf:<alertGroupId>:<epoch>:<stepIndex>:<userId>`. */
export function notificationId(alertGroupId: string, epoch: number, stepIndex: number, userId: string): string {
  return `ntf:${alertGroupId}:${epoch}:${stepIndex}:${userId}`;
}

export function parseNotificationId(id: string): { alertGroupId: string; epoch: number; stepIndex: number; userId: string } | null {
  const m = /^ntf:([^:|]+):(\d+):(\d+):(.+)$/.exec(id);
  return m ? { alertGroupId: m[1]!, epoch: Number(m[2]), stepIndex: Number(m[3]), userId: m[4]! } : null;
}

/** A `notify_whole_channel` post: `ntf:<alertGroupId>:<epoch>:<stepIndex>:chat|<chatId>` (user ids have no `|`, so it never names a user). */
export function chatNotificationId(alertGroupId: string, epoch: number, stepIndex: number, chatId: string): string {
  return notificationId(alertGroupId, epoch, stepIndex, `chat|${chatId}`);
}

/** An outgoing webhook asked for by an escalation step run: `wh:<alertGroupId>:<epoch>:<stepIndex>:<webhookId>`. */
export function webhookRequestId(alertGroupId: string, epoch: number, stepIndex: number, webhookId: string): string {
  return `wh:${alertGroupId}:${epoch}:${stepIndex}:${webhookId}`;
}

/**
 * An outgoing webhook fired by an event (a status change, a personal
 * notification): `wh:<alertGroupId>:<trigger>@<seq>:<webhookId>`, the stream
 * sequence of the commit that holds the event, so a redelivery names the same request.
 */
export function webhookEventRequestId(alertGroupId: string, trigger: string, seq: number, webhookId: string): string {
  return `wh:${alertGroupId}:${trigger}@${seq}:${webhookId}`;
}

/** The run of a round-robin step that takes a turn: `<alertGroupId>:<epoch>:<stepIndex>`. */
export function rotationClaimId(alertGroupId: string, epoch: number, stepIndex: number): string {
  return `${alertGroupId}:${epoch}:${stepIndex}`;
}

/** The digest of a received body, per integration: `rcv:<digest>` dedups identical bodies within the stream's window. */
export function receiptBodySha256(integrationId: string, body: string | Uint8Array): string {
  return createHash('sha256').update(integrationId).update('\n').update(body).digest('hex');
}
