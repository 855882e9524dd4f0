import type { EventEnvelope } from './envelope.js';
import type { IntegrationKind, IntegrationPayload } from './integration.js';

/* ------------------------------------------------------------------ intake */

/** A template that failed to render, by name (`grouping_id`, `resolve_condition`, `route:<id>`, …), for the timeline. */
export interface TemplateErrorRecord {
  template: string;
  message: string;
}

/** An integration mode that stops escalation (see IntegrationMaintenanceStarted). */
export type IntegrationMode = 'maintenance' | 'debug';

/** Ingest accepted a webhook body. Appended to the alert-group subject of its grouping key before ingest answers 2xx. */
export interface AlertReceivedData {
  receiptId: string;
  integrationId: string;
  integrationKind: IntegrationKind;
  /** The grouping id rendered by the integration (Alertmanager: payload.groupKey). */
  groupingKey: string;
  /** Derived from integrationId and groupingKey: the subject token of the aggregate. */
  aggregateKey: string;
  /** sha256 of the raw body: identical bodies dedup within the stream's window. */
  bodySha256: string;
  /** Alertmanager kinds: the validated fields over the raw object; webhook kinds: the JSON object as received. */
  payload: IntegrationPayload;
  /** The grouping id template failed; `groupingKey` is then `payload-sha256:<bodySha256>`. Absent in older events. */
  groupingError?: TemplateErrorRecord | null;
  /** The integration was in maintenance or debug mode when ingest accepted it: nothing escalates. Absent in older events. */
  mode?: { mode: IntegrationMode; maintenanceId: string } | null;
  /** Made by Dozor for a missed (firing) or restored (resolved) heartbeat, in the integration's own format. */
  heartbeat?: { incidentId: string; status: 'missed' | 'restored' } | null;
}

/* ------------------------------------------------------------- alert group */

export type AlertGroupState = 'firing' | 'acknowledged' | 'resolved' | 'silenced';

export interface AlertSummary {
  /** One per received payload, as Grafana OnCall counts them. */
  alertId: string;
  status: 'firing' | 'resolved';
  /** Firing alerts (fingerprint@startsAt) in the payload. */
  firing: string[];
  resolved: string[];
  title: string;
  receivedAt: string;
}

export interface AlertGroupCreatedData {
  alertGroupId: string;
  aggregateKey: string;
  integrationId: string;
  groupingKey: string;
  routeId: string;
  escalationChainId: string | null;
  title: string;
  severity: string | null;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  sourceLink: string | null;
  /** Absent in older events (alertmanager). */
  integrationKind?: IntegrationKind;
  /** Opened while the integration was in this mode: it is never escalated. */
  mode?: IntegrationMode | null;
}

/** The route chosen for a new group and the route filters that failed on the way (appended in the commit of AlertGroupCreated). */
export interface RouteAssignedData {
  alertGroupId: string;
  routeId: string;
  /** The route's chain. */
  escalationChainId: string | null;
  /** Whether the group escalates: false without a chain or in maintenance/debug mode. */
  escalates: boolean;
  suppressedBy: IntegrationMode | null;
  /** Route filters that failed (`route:<id>`): each fell through to the next route. Other template failures are on AlertAdded. */
  errors: TemplateErrorRecord[];
}

export interface AlertAddedData {
  alertGroupId: string;
  receiptId: string;
  alert: AlertSummary;
  /** The payload as received, for the alerts projection and message rendering. */
  payload: IntegrationPayload;
  /** Templates that failed while this payload was processed (grouping id, conditions, title, …). */
  templateErrors?: TemplateErrorRecord[];
}

export interface AlertDiscardedData {
  receiptId: string;
  reason: string;
}

export interface AlertGroupRef {
  alertGroupId: string;
}

export interface AlertGroupResolvedData extends AlertGroupRef {
  /** `source`: the integration resolved it; `action`: a person; `escalation`: a resolve step; `maintenance`: its maintenance ended. */
  by: 'source' | 'action' | 'escalation' | 'maintenance';
}

/**
 * The user whose acknowledgment holds acknowledged again: the answer to an
 * acknowledge reminder ("still on it"). Changes nothing in the group's state;
 * a reminder sent before it counts as answered.
 */
export type AlertGroupAcknowledgmentConfirmedData = AlertGroupRef;

export interface AlertGroupAcknowledgedData extends AlertGroupRef {
  /** `source`: the integration's acknowledge condition; absent (older events) or `action`: a person. */
  by?: 'source' | 'action';
}

export interface AlertGroupSilencedData extends AlertGroupRef {
  /** null means forever. */
  until: string | null;
  durationSeconds: number | null;
}

export interface AlertGroupUnsilencedData extends AlertGroupRef {
  by: 'action' | 'expired';
}

/* -------------------------------------------------------------- escalation */

/**
 * One step of an escalation chain, as frozen in EscalationStarted. Kinds are
 * Grafana OnCall's public-API step types. Group and team members are resolved
 * when the chain is loaded, so a snapshot keeps the members it started with.
 */
export type EscalationStep =
  | { kind: 'wait'; seconds: number }
  | { kind: 'notify_persons'; users: string[]; important: boolean }
  /** Round robin: one of `users` per run, the next one each time (the position is kept per chain step, across groups). */
  | { kind: 'notify_person_next_each_time'; users: string[]; important: boolean }
  | { kind: 'notify_on_call_from_schedule'; schedule: string; important: boolean }
  | { kind: 'notify_user_group'; group: string; users: string[]; important: boolean }
  | { kind: 'notify_team_members'; team: string; users: string[]; important: boolean }
  /** Posts the group in a Telegram chat (a group, a channel, or a topic of a forum with `messageThreadId`). */
  | { kind: 'notify_whole_channel'; chatId: string; messageThreadId?: number }
  | { kind: 'trigger_webhook'; webhookId: string }
  | { kind: 'resolve' }
  /** Goes on inside the daily window [from, to) of `timeZone` (HH:MM local time); outside it, waits for the window to open. */
  | { kind: 'notify_if_time_from_to'; from: string; to: string; timeZone: string }
  /** Goes on once the group got more than `alerts` alerts within `minutes` of its latest; until then it waits for alerts. */
  | { kind: 'notify_if_num_alerts_in_window'; alerts: number; minutes: number }
  /** Starts over from `fromStep` (0-based), at most `limit` times per run of the chain. */
  | { kind: 'repeat_escalation'; fromStep: number; limit: number };

export type EscalationStepKind = EscalationStep['kind'];

/**
 * Stream sequence of the alert group's last state change (created, acked,
 * resolved, silenced or undone) that a reconcile saw. A finished escalation
 * restarts only for a later one: a redelivered or replayed event is not a
 * state change. Absent in escalations recorded before it existed (read as 0).
 */
export interface EscalationReconciledRef extends AlertGroupRef {
  groupTransition?: number;
}

export interface EscalationResumedData extends EscalationReconciledRef {
  /**
   * A fresh snapshot of the chain, taken when the escalation starts over
   * (unacknowledged, unresolved, unsilenced). Absent in events recorded before
   * it existed, or when the route's chain is gone: the old snapshot stays.
   */
  chainId?: string;
  steps?: EscalationStep[];
}

export interface EscalationStartedData extends EscalationReconciledRef {
  chainId: string;
  /** The chain as it was when escalation started: a later config change does not alter a running escalation. */
  steps: EscalationStep[];
  /** Telegram-rendering context, so the notifier need not read the alert-group log. */
  integrationId: string;
  aggregateKey: string;
}

export interface EscalationStepScheduledData extends AlertGroupRef {
  timerId: string;
  stepIndex: number;
  dueAt: string;
}

export interface TimerFiredData {
  timerId: string;
  /** Where the timer came from: `escalation` (a step), `silence` (its end), `maintenance` (its end), `heartbeat` (a deadline). */
  purpose: 'escalation' | 'silence' | 'maintenance' | 'heartbeat';
  dueAt: string;
  firedAt: string;
}

export interface EscalationStepExecutedData extends AlertGroupRef {
  stepIndex: number;
  kind: EscalationStep['kind'];
  /** What a human reads in the timeline. */
  summary: string;
  notifiedUsers: string[];
}

export interface NotificationRequestedData extends AlertGroupRef {
  notificationId: string;
  userId: string;
  important: boolean;
  stepIndex: number;
  aggregateKey: string;
  /**
   * The rule of the user's personal notification policy that sent it (0-based
   * in the list `important` picks); absent: the user has no policy (one
   * Telegram message, OnCall's fallback), or the event predates policies.
   */
  personalRule?: number;
  /**
   * Why, when it is not a page of a chain step: `ack_reminder` (the
   * acknowledger is reminded; `stepIndex` is -1) or `resolve_notice` (the
   * group was resolved; everyone it paged is told, OnCall #3984).
   */
  reason?: 'ack_reminder' | 'resolve_notice';
}

/**
 * One rule of a personal notification policy: Grafana OnCall's public-API
 * `personal_notification_rules` types Dozor can deliver.
 */
export type PersonalNotificationRule = { type: 'notify_by_telegram' } | { type: 'wait'; seconds: number };

/**
 * One of a user's personal notification lists set over the API (the whole
 * list). From then on it replaces dozor.yaml's list for that user and kind.
 */
export interface PersonalNotificationRulesChangedData {
  userId: string;
  important: boolean;
  rules: PersonalNotificationRule[];
}

/**
 * A personal `wait` of a user's policy: the rest of the user's list (from
 * `ruleIndex`) runs at `dueAt`, on its own timer (`personalTimerId`). The
 * chain's next step does not cut it off (OnCall #934); an ack, resolve or
 * silence does (EscalationPaused), as does a restart of the escalation.
 */
export interface PersonalNotificationScheduledData extends AlertGroupRef {
  timerId: string;
  userId: string;
  /** The chain step that notified the user. */
  stepIndex: number;
  important: boolean;
  /** The next rule to run, 0-based in `rules`. */
  ruleIndex: number;
  /** The user's list as it was when the chain step ran (the snapshot rule, per user). */
  rules: PersonalNotificationRule[];
  dueAt: string;
}

/**
 * A personal wait came due and the rest of the user's list ran (its
 * NotificationRequested, or the next wait, follow in the same commit).
 */
export interface PersonalNotificationResumedData extends AlertGroupRef {
  timerId: string;
  userId: string;
  stepIndex: number;
  ruleIndex: number;
}

/** An acknowledge reminder timer (`reminder:…`) or its answer deadline (`unack:…`) is set. */
export interface AckReminderScheduledData extends AlertGroupRef {
  timerId: string;
  kind: 'reminder' | 'unack';
  /** Stream sequence of the acknowledgment it follows. */
  ack: number;
  /** Reminder count of that ack, from 1. */
  n: number;
  dueAt: string;
}

/** Reminder `n` went to the acknowledger (its NotificationRequested follows in the same commit). */
export interface AckReminderSentData extends AlertGroupRef {
  timerId: string;
  ack: number;
  n: number;
  userId: string;
}

/**
 * The answer deadline of reminder `n` passed. Unanswered, the escalator asks
 * the router to unacknowledge the group (read back from this commit), which
 * restarts its escalation.
 */
export interface AckReminderDeadlinePassedData extends AlertGroupRef {
  timerId: string;
  ack: number;
  n: number;
  userId: string;
  answered: boolean;
}

/** The resolve notice of the resolve at stream sequence `resolve` went to `users` (their NotificationRequested follow). */
export interface ResolveNoticeRequestedData extends AlertGroupRef {
  resolve: number;
  users: string[];
}

/** A `repeat_escalation` step sent the run back to `fromStepIndex`; `repeat` counts this step's repeats in this run (1-based). */
export interface EscalationRepeatedData extends AlertGroupRef {
  stepIndex: number;
  fromStepIndex: number;
  repeat: number;
}

/** A `notify_if_num_alerts_in_window` step found too few alerts: the run waits at `stepIndex` until new alerts make it go on. */
export interface EscalationHeldData extends AlertGroupRef {
  stepIndex: number;
  summary: string;
}

/**
 * A `notify_whole_channel` step: post the group in a Telegram chat, with its
 * buttons. `notificationId` is `ntf:<alertGroupId>:<epoch>:<stepIndex>:chat`.
 */
export interface ChatNotificationRequestedData extends AlertGroupRef {
  notificationId: string;
  chatId: string;
  messageThreadId?: number;
  important: boolean;
  stepIndex: number;
  aggregateKey: string;
}

/**
 * A `notify_person_next_each_time` step took its turn
 * (`<prefix>.evt.escalation-rr.<chainId>:<stepIndex>`): `claimId`
 * (`<alertGroupId>:<epoch>:<stepIndex>`) names the run that took it, so a
 * redelivered run finds its person instead of taking the next one.
 */
export interface EscalationRotationAdvancedData {
  chainId: string;
  stepIndex: number;
  claimId: string;
  alertGroupId: string;
  userId: string;
}

export interface EscalationPausedData extends EscalationReconciledRef {
  reason: AlertGroupState;
}

export interface EscalationFinishedData extends AlertGroupRef {
  reason: 'completed' | 'resolved';
}

/* ------------------------------------------------------------ notification */

/**
 * The claim on a page, appended with the notification subject's expected
 * version before the Bot API call: a redelivery or another replica that sees
 * it (with no outcome naming its dispatchId) does not send. A claim whose
 * owner is no longer alive is taken over by a new claim (`recovers`).
 */
export interface NotificationDispatchingData extends AlertGroupRef {
  notificationId: string;
  userId: string;
  chatId: string;
  /** 1-based: each claim of the notificationId counts up. */
  attempt: number;
  /** Unique per claim; the outcome (Sent / Failed) names it. */
  dispatchId: string;
  /** The notifier process that holds the claim (its liveness key). Absent: unknown. */
  owner?: string;
  /** The orphaned claim this one takes over: its message may have reached the chat (the outcome is unknown). */
  recovers?: string;
}

export interface NotificationSentData extends AlertGroupRef {
  notificationId: string;
  userId: string;
  channel: 'telegram';
  chatId: string;
  messageId: number;
  /** The claim this send completes. Absent in older events. */
  dispatchId?: string;
  /** Sent by the recovery of a claim whose outcome was unknown. */
  recovered?: boolean;
  /** The message is the storm bundle `bundleId` (notification.<bundleId>), which lists this group among others. */
  bundleId?: string;
}

/** A transient failure of one Bot API request for a page (429, 5xx, network): it is retried after `retryAfterMs`. */
export interface NotificationRetryingData extends AlertGroupRef {
  notificationId: string;
  userId: string;
  chatId: string;
  reason: string;
  /** 429, a 5xx status, or null for a network error. */
  errorCode: number | null;
  retryAfterMs: number;
  /** The request that failed, 1-based, within the claim. */
  attempt: number;
}

export interface NotificationFailedData extends AlertGroupRef {
  notificationId: string;
  userId: string;
  channel: 'telegram';
  reason: string;
  permanent: boolean;
  /** The claim this failure ends. Absent in older events or when nothing was claimed. */
  dispatchId?: string;
  /** What happens next, for humans (e.g. "retried in 30s", "not retried: the user blocked the bot"). */
  next?: string;
}

/**
 * One storm bundle (`notification.<bundleId>`, bundleId `bundle-…`): a single
 * message listing several new alert groups for one chat. Appended each time it
 * is sent or grows; the last one holds every member, so any replica can
 * re-render it when a member changes state.
 */
export interface NotificationBundledData {
  bundleId: string;
  userId: string;
  chatId: string;
  messageId: number;
  members: { alertGroupId: string; aggregateKey: string }[];
}

/* -------------------------------------------------------- outgoing webhooks */

/**
 * What made a webhook fire: Grafana OnCall's trigger types. `escalation_step`
 * is OnCall's "escalation" (a `trigger_webhook` step); the status triggers
 * come from alert-group events; `personal_notification` from NotificationSent.
 */
export type WebhookTrigger =
  'escalation_step' | 'alert_group_created' | 'acknowledge' | 'resolve' | 'silence' | 'unsilence' | 'unresolve' | 'unacknowledge' | 'personal_notification';

/** A `trigger_webhook` step asks for a webhook (escalation subject, in the step's commit). */
export interface OutgoingWebhookRequestedData extends AlertGroupRef {
  webhookId: string;
  trigger: WebhookTrigger;
  stepIndex: number;
  /** Deterministic: `wh:<alertGroupId>:<epoch>:<stepIndex>:<webhookId>` (`webhookRequestId`). */
  requestId: string;
}

/** Facts of one delivery on `<prefix>.evt.webhook.<alertGroupId>`. */
export interface OutgoingWebhookRef extends AlertGroupRef {
  requestId: string;
  webhookId: string;
  trigger: WebhookTrigger;
}

/**
 * A sender is about to make attempt `attempt` (appended with the expected
 * version of the webhook subject, so one replica wins). A claim with no
 * OutgoingWebhookAttempted after it is an attempt whose outcome was lost.
 */
export interface OutgoingWebhookClaimedData extends OutgoingWebhookRef {
  attempt: number;
  claimedAt: string;
}

/** One HTTP attempt: a status, or an error (network, timeout, refused target, template). */
export interface OutgoingWebhookAttemptedData extends OutgoingWebhookRef {
  attempt: number;
  /** Without credentials, query or fragment. */
  url: string;
  method: string;
  status: number | null;
  error: string | null;
  /** The start of the response body (at most WEBHOOK_RESPONSE_SNIPPET_CHARS). */
  responseSnippet: string | null;
  durationMs: number;
  /** No further attempt follows. */
  final: boolean;
}

export interface OutgoingWebhookSucceededData extends OutgoingWebhookRef {
  attempts: number;
  status: number;
}

export interface OutgoingWebhookFailedData extends OutgoingWebhookRef {
  attempts: number;
  reason: string;
}

/** Dozor created (or updated) an Alertmanager silence for a silenced group (webhook subject, with the delivery's success). */
export interface AlertmanagerSilenceCreatedData extends AlertGroupRef {
  integrationId: string;
  silenceId: string;
  /** The Alertmanager base URL, redacted like webhook URLs. */
  url: string;
  matchers: { name: string; value: string; isRegex: false; isEqual: true }[];
  endsAt: string;
}

/** The silence was deleted in Alertmanager (group unsilenced or resolved). */
export interface AlertmanagerSilenceDeletedData extends AlertGroupRef {
  integrationId: string;
  silenceId: string;
}

/* ---------------------------------------------------------------- schedule */

/**
 * A schedule definition as JSON: libs/domain's `ScheduleDef` (contracts imports
 * nothing, so it is not typed here). A shape change needs a new schema version.
 */
export type ScheduleDefinitionJson = Record<string, unknown>;

/** A schedule's definition from configuration, appended when it differs from the last one on the subject. */
export interface ScheduleConfiguredData {
  scheduleId: string;
  change: 'created' | 'updated';
  /** sha256 (hex) of the canonical JSON of the definition as loaded, before redaction: it changes whenever anything changes. */
  definitionSha256: string;
  /** The definition, with the secret parts (path, query, credentials) of iCal URLs removed. */
  definition: ScheduleDefinitionJson;
  /** Where it came from, e.g. the dozor.yaml path. */
  origin: string;
}

/** A schedule that configuration no longer declares. */
export interface ScheduleRemovedData {
  scheduleId: string;
  origin: string;
}

/** The calendar of an iCal feed (ical_url / ical_file, or the overrides feed), when its content changed. */
export interface ScheduleIcalImportedData {
  scheduleId: string;
  feed: 'primary' | 'overrides';
  /** The URL without its secret parts, or the file path. */
  origin: string;
  /** sha256 (hex) of `ics`. */
  sha256: string;
  /** RFC 5545 text as fetched. */
  ics: string;
}

/** An override: libs/domain's `OverrideDef`. */
export interface ScheduleOverrideData {
  id: string;
  start: string;
  /** Seconds. */
  duration: number;
  users: string[];
  timeZone: string;
  level: number;
}

/** A user (the beneficiary) asks for someone to take their shifts in [swapStart, swapEnd). */
export interface ShiftSwapRequestedData {
  scheduleId: string;
  swapId: string;
  beneficiary: string;
  swapStart: string;
  swapEnd: string;
  description: string | null;
}

/** Another user (the benefactor) took the request; `overrides` put them in the beneficiary's place. */
export interface ShiftSwapTakenData {
  scheduleId: string;
  swapId: string;
  beneficiary: string;
  benefactor: string;
  overrides: ScheduleOverrideData[];
}

/** The request is withdrawn; a taken swap's overrides stop applying. */
export interface ShiftSwapDeletedData {
  scheduleId: string;
  swapId: string;
}

/** An override added through the API (`POST /api/v1/on_call_shifts` with `type: override`), on top of the schedule's definition. */
export interface ScheduleOverrideAddedData {
  scheduleId: string;
  /** OnCall's shift name; null when none was given. */
  name: string | null;
  override: ScheduleOverrideData;
}

/** An override added through the API is removed (`DELETE /api/v1/on_call_shifts/<id>`). */
export interface ScheduleOverrideDeletedData {
  scheduleId: string;
  overrideId: string;
}

/* ------------------------------------------------------------- integration */

/** Maintenance or debug mode began on an integration (`<prefix>.evt.integration.<integrationId>`). */
export interface IntegrationMaintenanceStartedData {
  integrationId: string;
  /** Unique per integration: the maintenance group's grouping key is `maintenance:<maintenanceId>`. */
  maintenanceId: string;
  mode: IntegrationMode;
  startedAt: string;
  /** null: until stopped. */
  until: string | null;
  durationSeconds: number | null;
  /** `config`: the integration's `maintenance:` in dozor.yaml; `api`: the REST API. */
  origin: 'api' | 'config';
}

export interface IntegrationMaintenanceEndedData {
  integrationId: string;
  maintenanceId: string;
  mode: IntegrationMode;
  /** `action`: stopped (API); `expired`: its duration passed; `config`: removed from dozor.yaml; `replaced`: another mode started. */
  by: 'action' | 'expired' | 'config' | 'replaced';
}

/** A heartbeat arrived (`<prefix>.evt.heartbeat.<integrationId>`, appended by ingest). */
export interface HeartbeatReceivedData {
  integrationId: string;
  receivedAt: string;
  timeoutSeconds: number;
  /** Deadline of the next heartbeat, and the durable timer that checks it (`heartbeat:<integrationId>|<dueAt>`). */
  dueAt: string;
  timerId: string;
}

/** No heartbeat arrived before the deadline: an alert `DozorHeartbeatMissing` is raised through the integration. */
export interface HeartbeatMissedData {
  integrationId: string;
  incidentId: string;
  dueAt: string;
  lastHeartbeatAt: string;
}

/** A heartbeat arrived again: the alert is resolved. */
export interface HeartbeatRestoredData {
  integrationId: string;
  incidentId: string;
  receivedAt: string;
}

/* ------------------------------------------------------------ direct paging */

/** A user named by a direct page, and whether they get an important page. */
export interface DirectPagedUser {
  id: string;
  important: boolean;
}

/**
 * `POST /api/v1/escalation` (OnCall's direct paging) paged users or a team on
 * an alert group: appended to the group's alert-group subject by the router,
 * in the commit of AlertGroupCreated (+ RouteAssigned, AlertAdded) when the
 * page opened the group (`opensGroup`), alone when it adds responders to an
 * existing group. `steps` is what the page runs: for a page that opened its
 * group, the group's escalation chain (its snapshot); otherwise the escalator
 * notifies the users once (DirectPageNotified).
 */
export interface AlertGroupDirectlyPagedData extends AlertGroupRef {
  /** Unique per page: from the Idempotency-Key when given (`k…`), else random (`p…`). */
  pageId: string;
  /** The request's Idempotency-Key, as sent; null without one. Honoured for 24 h (DIRECT_PAGE_IDEMPOTENCY_HOURS). */
  idempotencyKey: string | null;
  /** sha256 (hex) of the request as parsed: a key sent again with another request is refused. */
  requestSha256: string;
  opensGroup: boolean;
  title: string;
  message: string;
  sourceUrl: string | null;
  team: string | null;
  importantTeam: boolean;
  users: DirectPagedUser[];
  steps: EscalationStep[];
}

/**
 * The escalator paged the responders a direct page added to an existing
 * group, each as their personal policy says, under `stepIndex` (1,000,000 + the
 * group's earlier added pages; chain steps are far below), so their
 * notification and personal-wait ids never meet a chain step's.
 */
export interface DirectPageNotifiedData extends AlertGroupRef {
  pageId: string;
  aggregateKey: string;
  stepIndex: number;
  users: DirectPagedUser[];
  summary: string;
}

/* -------------------------------------------------------------------- user */

/**
 * A Telegram verification code was issued for a user (REST API). Appended to
 * `<prefix>.evt.user.<userId>` and, as the lookup index, to
 * `<prefix>.evt.user.code-<first 20 hex of codeHash>`. Only the sha256 (hex) of the code is stored.
 */
export interface TelegramVerificationCodeIssuedData {
  userId: string;
  codeHash: string;
  expiresAt: string;
}

/**
 * A one-time console sign-in code was issued for a user (the bot's `/login`, or
 * `POST /api/v1/users/<id>/console_login_code`), on `<prefix>.evt.user.login-<first 20 hex of codeHash>`.
 * Only its sha256 (hex) is stored.
 */
export interface ConsoleLoginCodeIssuedData {
  userId: string;
  codeHash: string;
  expiresAt: string;
}

/** The code was exchanged for a console session; appended right after its issue (expected version), so it is used once. */
export interface ConsoleLoginCodeRedeemedData {
  userId: string;
  codeHash: string;
}

/** A Telegram account proved a code: it now acts and receives notifications as the user (`<prefix>.evt.user.<userId>`). */
export interface TelegramAccountLinkedData {
  userId: string;
  telegramUserId: string;
  chatId: string;
  /** The code that was used (its hash): it cannot be used again. */
  codeHash: string;
}

/* --------------------------------------------------------------- catalogue */

export interface EventCatalogue {
  AlertReceived: AlertReceivedData;
  AlertGroupCreated: AlertGroupCreatedData;
  RouteAssigned: RouteAssignedData;
  AlertAdded: AlertAddedData;
  AlertDiscarded: AlertDiscardedData;
  AlertGroupAcknowledged: AlertGroupAcknowledgedData;
  AlertGroupAcknowledgmentConfirmed: AlertGroupAcknowledgmentConfirmedData;
  AlertGroupUnacknowledged: AlertGroupRef;
  AlertGroupResolved: AlertGroupResolvedData;
  AlertGroupUnresolved: AlertGroupRef;
  AlertGroupSilenced: AlertGroupSilencedData;
  AlertGroupUnsilenced: AlertGroupUnsilencedData;
  EscalationStarted: EscalationStartedData;
  EscalationStepScheduled: EscalationStepScheduledData;
  TimerFired: TimerFiredData;
  EscalationStepExecuted: EscalationStepExecutedData;
  NotificationRequested: NotificationRequestedData;
  PersonalNotificationRulesChanged: PersonalNotificationRulesChangedData;
  PersonalNotificationScheduled: PersonalNotificationScheduledData;
  PersonalNotificationResumed: PersonalNotificationResumedData;
  AckReminderScheduled: AckReminderScheduledData;
  AckReminderSent: AckReminderSentData;
  AckReminderDeadlinePassed: AckReminderDeadlinePassedData;
  ResolveNoticeRequested: ResolveNoticeRequestedData;
  EscalationPaused: EscalationPausedData;
  EscalationResumed: EscalationResumedData;
  EscalationFinished: EscalationFinishedData;
  EscalationRepeated: EscalationRepeatedData;
  EscalationHeld: EscalationHeldData;
  ChatNotificationRequested: ChatNotificationRequestedData;
  EscalationRotationAdvanced: EscalationRotationAdvancedData;
  NotificationDispatching: NotificationDispatchingData;
  NotificationSent: NotificationSentData;
  NotificationRetrying: NotificationRetryingData;
  NotificationFailed: NotificationFailedData;
  NotificationBundled: NotificationBundledData;
  OutgoingWebhookRequested: OutgoingWebhookRequestedData;
  OutgoingWebhookClaimed: OutgoingWebhookClaimedData;
  OutgoingWebhookAttempted: OutgoingWebhookAttemptedData;
  OutgoingWebhookSucceeded: OutgoingWebhookSucceededData;
  OutgoingWebhookFailed: OutgoingWebhookFailedData;
  AlertmanagerSilenceCreated: AlertmanagerSilenceCreatedData;
  AlertmanagerSilenceDeleted: AlertmanagerSilenceDeletedData;
  ScheduleConfigured: ScheduleConfiguredData;
  ScheduleRemoved: ScheduleRemovedData;
  ScheduleIcalImported: ScheduleIcalImportedData;
  ShiftSwapRequested: ShiftSwapRequestedData;
  ShiftSwapTaken: ShiftSwapTakenData;
  ShiftSwapDeleted: ShiftSwapDeletedData;
  ScheduleOverrideAdded: ScheduleOverrideAddedData;
  ScheduleOverrideDeleted: ScheduleOverrideDeletedData;
  IntegrationMaintenanceStarted: IntegrationMaintenanceStartedData;
  IntegrationMaintenanceEnded: IntegrationMaintenanceEndedData;
  HeartbeatReceived: HeartbeatReceivedData;
  HeartbeatMissed: HeartbeatMissedData;
  HeartbeatRestored: HeartbeatRestoredData;
  TelegramVerificationCodeIssued: TelegramVerificationCodeIssuedData;
  ConsoleLoginCodeIssued: ConsoleLoginCodeIssuedData;
  ConsoleLoginCodeRedeemed: ConsoleLoginCodeRedeemedData;
  TelegramAccountLinked: TelegramAccountLinkedData;
  AlertGroupDirectlyPaged: AlertGroupDirectlyPagedData;
  DirectPageNotified: DirectPageNotifiedData;
}

export type EventType = keyof EventCatalogue;

/** Current schema version of each event type. Bump and add an upcaster on a breaking change. */
export const SCHEMA_VERSIONS: { [K in EventType]: number } = {
  AlertReceived: 1,
  AlertGroupCreated: 1,
  RouteAssigned: 1,
  AlertAdded: 1,
  AlertDiscarded: 1,
  AlertGroupAcknowledged: 1,
  AlertGroupAcknowledgmentConfirmed: 1,
  AlertGroupUnacknowledged: 1,
  AlertGroupResolved: 1,
  AlertGroupUnresolved: 1,
  AlertGroupSilenced: 1,
  AlertGroupUnsilenced: 1,
  EscalationStarted: 1,
  EscalationStepScheduled: 1,
  TimerFired: 1,
  EscalationStepExecuted: 1,
  NotificationRequested: 1,
  PersonalNotificationRulesChanged: 1,
  PersonalNotificationScheduled: 1,
  PersonalNotificationResumed: 1,
  AckReminderScheduled: 1,
  AckReminderSent: 1,
  AckReminderDeadlinePassed: 1,
  ResolveNoticeRequested: 1,
  EscalationPaused: 1,
  EscalationResumed: 1,
  EscalationFinished: 1,
  EscalationRepeated: 1,
  EscalationHeld: 1,
  ChatNotificationRequested: 1,
  EscalationRotationAdvanced: 1,
  NotificationDispatching: 1,
  NotificationSent: 1,
  NotificationRetrying: 1,
  NotificationFailed: 1,
  NotificationBundled: 1,
  OutgoingWebhookRequested: 1,
  OutgoingWebhookClaimed: 1,
  OutgoingWebhookAttempted: 1,
  OutgoingWebhookSucceeded: 1,
  OutgoingWebhookFailed: 1,
  AlertmanagerSilenceCreated: 1,
  AlertmanagerSilenceDeleted: 1,
  ScheduleConfigured: 1,
  ScheduleRemoved: 1,
  ScheduleIcalImported: 1,
  ShiftSwapRequested: 1,
  ShiftSwapTaken: 1,
  ShiftSwapDeleted: 1,
  ScheduleOverrideAdded: 1,
  ScheduleOverrideDeleted: 1,
  IntegrationMaintenanceStarted: 1,
  IntegrationMaintenanceEnded: 1,
  HeartbeatReceived: 1,
  HeartbeatMissed: 1,
  HeartbeatRestored: 1,
  TelegramVerificationCodeIssued: 1,
  ConsoleLoginCodeIssued: 1,
  ConsoleLoginCodeRedeemed: 1,
  TelegramAccountLinked: 1,
  AlertGroupDirectlyPaged: 1,
  DirectPageNotified: 1,
};

export type DozorEvent = { [K in EventType]: EventEnvelope<K, EventCatalogue[K]> }[EventType];
export type EventOf<K extends EventType> = Extract<DozorEvent, { type: K }>;
/** An event before the store stamps metadata on it. */
export type NewEvent = { [K in EventType]: { type: K; data: EventCatalogue[K] } }[EventType];

/**
 * The events that change an alert group's acknowledged, resolved or silenced
 * state: what the escalator stops or restarts a chain on, and what the notifier
 * edits every message of the group for.
 */
export const ALERT_GROUP_STATE_CHANGES = [
  'AlertGroupAcknowledged',
  'AlertGroupUnacknowledged',
  'AlertGroupResolved',
  'AlertGroupUnresolved',
  'AlertGroupSilenced',
  'AlertGroupUnsilenced',
] as const satisfies readonly EventType[];

export const ALERT_GROUP_EVENTS = [
  'AlertReceived',
  'AlertGroupCreated',
  'RouteAssigned',
  'AlertAdded',
  'AlertDiscarded',
  ...ALERT_GROUP_STATE_CHANGES,
  'AlertGroupAcknowledgmentConfirmed',
] as const satisfies readonly EventType[];

/** Events on `<prefix>.evt.schedule.<scheduleId>`. */
export const SCHEDULE_EVENTS = [
  'ScheduleConfigured',
  'ScheduleRemoved',
  'ScheduleIcalImported',
  'ShiftSwapRequested',
  'ShiftSwapTaken',
  'ShiftSwapDeleted',
  'ScheduleOverrideAdded',
  'ScheduleOverrideDeleted',
] as const satisfies readonly EventType[];

/** Events on `<prefix>.evt.integration.<integrationId>` (besides TimerFired). */
export const INTEGRATION_EVENTS = [
  'IntegrationMaintenanceStarted',
  'IntegrationMaintenanceEnded',
  'HeartbeatMissed',
  'HeartbeatRestored',
] as const satisfies readonly EventType[];

/** Events on `<prefix>.evt.heartbeat.<integrationId>`. */
export const HEARTBEAT_EVENTS = ['HeartbeatReceived'] as const satisfies readonly EventType[];

/** Events on `<prefix>.evt.webhook.<alertGroupId>`: deliveries of outgoing webhooks and Alertmanager silences. */
export const WEBHOOK_EVENTS = [
  'OutgoingWebhookClaimed',
  'OutgoingWebhookAttempted',
  'OutgoingWebhookSucceeded',
  'OutgoingWebhookFailed',
  'AlertmanagerSilenceCreated',
  'AlertmanagerSilenceDeleted',
] as const satisfies readonly EventType[];

/** Events on `<prefix>.evt.user.<userId>` (and the code index `user.code-<hash>`). */
export const USER_EVENTS = [
  'TelegramVerificationCodeIssued',
  'TelegramAccountLinked',
  'ConsoleLoginCodeIssued',
  'ConsoleLoginCodeRedeemed',
  'PersonalNotificationRulesChanged',
] as const satisfies readonly EventType[];

export function isEventType(t: string): t is EventType {
  return Object.prototype.hasOwnProperty.call(SCHEMA_VERSIONS, t);
}

/**
 * A type guard for a few event types: `isOneOf('AlertGroupCreated', 'AlertAdded')(e)`
 * narrows `e` to those events. An aggregate's `evolve` uses it to pick its own
 * events out of the catalogue, so a new event elsewhere needs no no-op case.
 */
export function isOneOf<const T extends readonly EventType[]>(...types: T): (e: DozorEvent) => e is EventOf<T[number]> {
  const set = new Set<string>(types);
  return (e): e is EventOf<T[number]> => set.has(e.type);
}
