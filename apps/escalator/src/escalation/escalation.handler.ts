import { Controller, Inject, Injectable } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import {
  ALERT_GROUP_STATE_CHANGES,
  parseAlertGroupId,
  parseReminderTimerId,
  parseUnackTimerId,
  subjects,
  SYSTEM_ACTORS,
  type DozorEvent,
  type EscalationStep,
  type Topology,
} from '@dozor/contracts';
import type { DozorConfig, EscalationChainConfig } from '@dozor/config';
import {
  alertGroupDecider,
  DIRECT_PAGING_CHAIN_ID,
  escalationDecider,
  respondersOf,
  groupState,
  resolveNoticeRecipients,
  rotationDecider,
  type AckReminderGroup,
  type AlertGroupAggregate,
  type ClaimRotationTurn,
  type EscalationCommand,
  type EscalationRejection,
  type EscalationState,
  type OnCallLookups,
  type PersonalPolicies,
  type RotationClaim,
  type RotationState,
  type RotationTurns,
} from '@dozor/domain';
import { AggregateRepository, CommandHandler, EventStore, Outcome, type EventLog, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { PersonalRulesSync } from './personal-rules.sync.js';
import { GroupResolver } from './group-resolver.js';
import { OnCallClient } from './on-call.client.js';

export const ESCALATOR_GROUPS = 'escalator.alert-group';
export const ESCALATOR_TIMERS = 'escalator.timers';

const STATE_EVENTS = new Set<DozorEvent['type']>(['AlertGroupCreated', ...ALERT_GROUP_STATE_CHANGES]);

@Injectable()
export class EscalationRepository extends CommandHandler<EscalationCommand, EscalationState, EscalationRejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    // Optimistic: this service writes the escalation subjects (its own timers' TimerFired aside), so its cache is
    // usually current and a new group's first step appends without reading its empty subject first.
    super(store, escalationDecider, { optimistic: true });
  }
}

/** The turns of round-robin steps (`escalation-rr.<chainId>:<stepIndex>`). */
@Injectable()
export class RotationRepository extends CommandHandler<ClaimRotationTurn, RotationState, never> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, rotationDecider);
  }
}

/** Alert times kept per group: enough for any `num_alerts_in_window` dozor.yaml accepts. */
export const MAX_ALERT_TIMES = 1001;

/**
 * Reads alert groups (the router decides on them): the aggregate, the stream
 * sequence of the current group's last state change, and when the current
 * group's alerts arrived (for `notify_if_num_alerts_in_window`).
 */
export interface EscalatorGroupState {
  agg: AlertGroupAggregate;
  transition: number;
  alertTimes: string[];
  /** The user (a Dozor user id) whose acknowledgment holds now, for acknowledge reminders; null: none, or the alert source. */
  ackUser: string | null;
  /** The user who resolved the current group, if a person did: the resolve notice leaves them out. */
  resolver: string | null;
  /** Stream sequences of the acknowledger's confirmations ("still on it") since the ack that holds. */
  confirmed?: number[];
  /** A group a direct page opened: its chain is the page's steps (AlertGroupDirectlyPaged.steps); absent otherwise. */
  pageChain?: { id: string; steps: EscalationStep[] } | null;
}

export function evolveEscalatorGroup(s: EscalatorGroupState, e: DozorEvent, seq: number): EscalatorGroupState {
  const agg = alertGroupDecider.evolve(s.agg, e);
  const current = agg.current?.alertGroupId;
  const ofCurrent = (e.data as { alertGroupId?: string }).alertGroupId === current;
  let alertTimes = s.alertTimes;
  if (e.type === 'AlertGroupCreated') alertTimes = [];
  if (e.type === 'AlertGroupDirectlyPaged' && ofCurrent && e.data.opensGroup)
    return { ...s, agg, pageChain: { id: DIRECT_PAGING_CHAIN_ID, steps: e.data.steps } };
  else if (e.type === 'AlertAdded' && ofCurrent) alertTimes = [...s.alertTimes, e.metadata.occurredAt].slice(-MAX_ALERT_TIMES);
  if (e.type === 'AlertGroupAcknowledgmentConfirmed' && ofCurrent) return { ...s, agg, alertTimes, confirmed: [...(s.confirmed ?? []), seq].slice(-100) };
  const changed = STATE_EVENTS.has(e.type) && ofCurrent;
  if (!changed) return agg === s.agg && alertTimes === s.alertTimes ? s : { ...s, agg, alertTimes };
  const user = e.metadata.actor.kind === 'user' ? e.metadata.actor.id : null;
  const ackUser = e.type === 'AlertGroupAcknowledged' ? (e.data.by === 'source' ? null : user) : e.type === 'AlertGroupSilenced' ? s.ackUser : null;
  const resolver = e.type === 'AlertGroupResolved' ? user : null;
  const pageChain = e.type === 'AlertGroupCreated' ? null : s.pageChain;
  return { agg, transition: seq, alertTimes, ackUser, resolver, confirmed: [], pageChain };
}

const policiesCache = new WeakMap<DozorConfig, PersonalPolicies>();

/** The users' personal notification policies of a config, by user id. */
export function personalPoliciesOf(config: DozorConfig): PersonalPolicies {
  let p = policiesCache.get(config);
  if (!p) {
    p = Object.fromEntries(config.users.flatMap((u) => (u.personalRules ? [[u.id, u.personalRules]] : [])));
    policiesCache.set(config, p);
  }
  return p;
}

@Injectable()
export class GroupReader extends AggregateRepository<EscalatorGroupState> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, {
      initialState: () => ({ agg: alertGroupDecider.initialState(), transition: 0, alertTimes: [], ackUser: null, resolver: null, confirmed: [] }),
      evolve: evolveEscalatorGroup,
    });
  }
}

/** Questions (schedules, round-robin turns) one run of steps may ask before it gives up. */
const MAX_LOOKUPS = 20;

/**
 * Escalation reconciles: on any alert-group state change it reads the
 * group's current state (not the event's), so out-of-order delivery across
 * replicas cannot start or pause the wrong way. With the state goes the
 * sequence of the group's last state change, so a redelivered commit (after
 * a NATS restart, say) cannot restart an escalation that already finished.
 */
@Controller()
export class EscalationHandler {
  constructor(
    private readonly escalations: EscalationRepository,
    private readonly groups: GroupReader,
    private readonly onCall: OnCallClient,
    private readonly rotations: RotationRepository,
    private readonly resolver: GroupResolver,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
    @Inject(EventStore) private readonly store: EventLog,
    private readonly rules: PersonalRulesSync,
  ) {}

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  @EventPattern(ESCALATOR_GROUPS)
  async onGroupCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const ids = new Set<string>();
    const changed = new Set<string>();
    // A new alert matters to a run held for more alerts; the decider ignores it otherwise.
    for (const e of commit.events) {
      if (STATE_EVENTS.has(e.type)) changed.add((e.data as { alertGroupId: string }).alertGroupId);
      if (STATE_EVENTS.has(e.type) || e.type === 'AlertAdded') ids.add((e.data as { alertGroupId: string }).alertGroupId);
    }
    const pages = commit.events.filter((e) => e.type === 'AlertGroupDirectlyPaged' && !e.data.opensGroup);
    if (pages.length) return this.pageResponders(commit.subject, pages);
    if (ids.size === 0) return Outcome.skipped('no state change');
    const { state: groupState_ } = await this.groups.load(commit.subject);
    const { agg, transition, alertTimes } = groupState_;
    let failed: HandlerOutcome | null = null;
    for (const alertGroupId of ids) {
      const g = agg.current;
      // Only the latest generation escalates; older ones are resolved.
      if (!g || g.alertGroupId !== alertGroupId) continue;
      // A group a direct page opened escalates along the page's own steps, frozen in its AlertGroupDirectlyPaged.
      const chain = this.chainOf(g.escalationChainId) ?? (groupState_.pageChain ? { ...groupState_.pageChain, ackReminder: null } : null);
      const cause = commit.events.find((e) => STATE_EVENTS.has(e.type)) ?? commit.events.find((e) => e.type === 'AlertAdded')!;
      const out = await this.decideAndAppend(
        alertGroupId,
        {
          type: 'Reconcile',
          alertGroupId,
          groupState: groupState(g),
          groupTransition: transition,
          chain: chain ? { id: chain.id, steps: chain.steps } : null,
          integrationId: g.integrationId,
          aggregateKey: agg.aggregateKey!,
          now: this.runtime.now(),
          alertTimes,
          trigger: changed.has(alertGroupId) ? 'state_change' : 'new_alert',
          policies: this.rules.policies(),
        },
        { eventId: cause.metadata.eventId, correlationId: cause.metadata.correlationId },
      );
      failed ??= out;
      if (out || !changed.has(alertGroupId) || !chain?.ackReminder) continue;
      failed ??= await this.afterStateChange(alertGroupId, groupState_, chain, {
        eventId: cause.metadata.eventId,
        correlationId: cause.metadata.correlationId,
      });
    }
    return failed ?? Outcome.done;
  }

  /** A direct page added responders to an existing group: page each once, whatever the escalation is doing. */
  private async pageResponders(subject: string, pages: DozorEvent[]): Promise<HandlerOutcome> {
    const { state } = await this.groups.load(subject);
    let failed: HandlerOutcome | null = null;
    for (const e of pages) {
      if (e.type !== 'AlertGroupDirectlyPaged') continue;
      const out = await this.decideAndAppend(
        e.data.alertGroupId,
        {
          type: 'PageResponders',
          alertGroupId: e.data.alertGroupId,
          aggregateKey: state.agg.aggregateKey!,
          pageId: e.data.pageId,
          users: respondersOf(e.data.steps),
          by: e.metadata.actor.name ?? e.metadata.actor.id,
          policies: this.rules.policies(),
          now: this.runtime.now(),
        },
        { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId },
      );
      failed ??= out;
    }
    return failed ?? Outcome.done;
  }

  private chainOf(chainId: string | null | undefined): EscalationChainConfig | null {
    return chainId ? (this.runtime.config.escalationChains.find((c) => c.id === chainId) ?? null) : null;
  }

  /**
   * What the group's acknowledge reminders know of it now. `sent` maps each
   * reminder of the holding ack to the stream sequence of its AckReminderSent:
   * a reminder is answered when the acknowledger confirmed after it (one
   * stream, so sequences order the two subjects).
   */
  private ackGroupOf(alertGroupId: string, s: EscalatorGroupState, sent: Map<number, number> = new Map()): AckReminderGroup {
    const g = s.agg.current;
    const state = g && g.alertGroupId === alertGroupId ? groupState(g) : 'resolved';
    const acked = state === 'acknowledged';
    const confirmed = s.confirmed ?? [];
    const answered = acked ? [...sent].filter(([, seq]) => confirmed.some((c) => c > seq)).map(([n]) => n) : [];
    return { alertGroupId, state, ack: acked ? s.transition : null, acknowledgedBy: acked ? s.ackUser : null, answered };
  }

  /** The reminders sent for the ack at stream sequence `ack`: n → the sequence of its AckReminderSent commit. */
  private async remindersSent(alertGroupId: string, ack: number): Promise<Map<number, number>> {
    const sent = new Map<number, number>();
    for (const c of await this.store.readSubject(subjects.escalation(this.topology, alertGroupId)))
      for (const e of c.events) if (e.type === 'AckReminderSent' && e.data.ack === ack) sent.set(e.data.n, c.seq);
    return sent;
  }

  /**
   * A state change of a group whose chain has `acknowledge_reminder:`: an ack
   * sets its first reminder; a resolve sends the resolve notice, when asked
   * for, to everyone the group's pages reached. Each at most once per change
   * (the escalation records the ack and the resolve it acted on).
   */
  private async afterStateChange(
    alertGroupId: string,
    s: EscalatorGroupState,
    chain: EscalationChainConfig,
    causation: { eventId: string; correlationId: string },
  ): Promise<HandlerOutcome | null> {
    const group = this.ackGroupOf(alertGroupId, s);
    const now = this.runtime.now();
    if (group.state === 'acknowledged')
      return this.decideAndAppend(alertGroupId, { type: 'StartAckReminders', group, policy: chain.ackReminder!.policy, now }, causation);
    if (group.state === 'resolved' && chain.ackReminder!.notifyPagedOnResolve) {
      const pages = await this.store.readSubject(subjects.notification(this.topology, alertGroupId));
      const recipients = resolveNoticeRecipients(
        pages.flatMap((c) => c.events),
        alertGroupId,
        s.resolver,
      );
      return this.decideAndAppend(
        alertGroupId,
        { type: 'SendResolveNotice', alertGroupId, resolve: s.transition, recipients, aggregateKey: s.agg.aggregateKey!, now },
        causation,
      );
    }
    return null;
  }

  /** Escalation commits: a fired timer runs its step; a `resolve` step's commit sends the resolve to the router. */
  @EventPattern(ESCALATOR_TIMERS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const fired = commit.events.filter((e) => e.type === 'TimerFired');
    const resolves = commit.events.filter((e) => e.type === 'EscalationStepExecuted' && e.data.kind === 'resolve');
    const unanswered = commit.events.filter((e) => e.type === 'AckReminderDeadlinePassed' && !e.data.answered);
    if (fired.length === 0 && resolves.length === 0 && unanswered.length === 0) return Outcome.skipped('no timer');
    const id = subjects.parse(this.topology, commit.subject)?.id;
    if (!id || !parseAlertGroupId(id)) return Outcome.skipped('not an escalation subject');
    if (resolves.length) return this.resolveFor(id, commit);
    if (unanswered.length) return this.unacknowledgeFor(id, commit);
    let failed: HandlerOutcome | null = null;
    for (const e of fired) {
      if (e.type !== 'TimerFired') continue;
      const timerId = e.data.timerId;
      const group = await this.groupOf(id);
      const ack = parseReminderTimerId(timerId) ?? parseUnackTimerId(timerId);
      const out = await this.decideAndAppend(
        id,
        {
          type: 'FireTimer',
          timerId,
          now: this.runtime.now(),
          alertTimes: group?.agg.current?.alertGroupId === id ? group.alertTimes : [],
          policies: this.rules.policies(),
          ...(ack && group
            ? {
                ackGroup: this.ackGroupOf(id, group, await this.remindersSent(id, ack.ack)),
                ackPolicy: this.chainOf(group.agg.current?.escalationChainId)?.ackReminder?.policy ?? null,
              }
            : {}),
        },
        { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId },
      );
      failed ??= out;
    }
    return failed ?? Outcome.done;
  }

  /**
   * An acknowledge reminder went unanswered: ask the router to unacknowledge,
   * as the escalator; the group fires again and its escalation restarts. A
   * commit read again after the group was acknowledged anew (a later
   * reminder set) or the escalation restarted unacknowledges nothing.
   */
  private async unacknowledgeFor(alertGroupId: string, commit: RecordedCommit): Promise<HandlerOutcome> {
    const later = await this.store.readSubject(commit.subject, commit.seq);
    if (later.some((c) => c.events.some((e) => e.type === 'EscalationResumed' || e.type === 'EscalationStarted' || e.type === 'AckReminderScheduled')))
      return Outcome.skipped('acknowledged again or restarted since');
    const r = await this.resolver.unacknowledge(alertGroupId);
    if (!r.done) return Outcome.retry(r.reason);
    return Outcome.done;
  }

  /**
   * A `resolve` step was recorded: ask the router to resolve, as the escalator
   * (AlertGroupResolved by `escalation`). Delivered at least once; a commit
   * read again after the escalation restarted (the group fired again since)
   * resolves nothing.
   */
  private async resolveFor(alertGroupId: string, commit: RecordedCommit): Promise<HandlerOutcome> {
    const later = await this.store.readSubject(commit.subject, commit.seq);
    if (later.some((c) => c.events.some((e) => e.type === 'EscalationResumed' || e.type === 'EscalationStarted')))
      return Outcome.skipped('the escalation restarted since');
    const r = await this.resolver.resolve(alertGroupId);
    if (!r.done) return Outcome.retry(r.reason);
    return Outcome.done;
  }

  /** The group's log as the escalator reads it (alert times for a run a timer continues; its ack for a reminder). */
  private async groupOf(alertGroupId: string): Promise<EscalatorGroupState | null> {
    const parsed = parseAlertGroupId(alertGroupId)!;
    const { state } = await this.groups.load(subjects.alertGroup(this.topology, parsed.aggregateKey));
    return state;
  }

  /** Decides and appends; null when that went through, else the failure outcome for the runner. */
  private async decideAndAppend(
    alertGroupId: string,
    cmd: EscalationCommand,
    causation: { eventId: string; correlationId: string },
  ): Promise<HandlerOutcome | null> {
    const subject = subjects.escalation(this.topology, alertGroupId);
    const onCall: OnCallLookups = {};
    const rotation: RotationTurns = {};
    // Asking the scheduler and claiming a turn are I/O: do them outside the decision, then decide again with the answer.
    for (let i = 0; i < MAX_LOOKUPS; i++) {
      const withAnswers: EscalationCommand = cmd.type === 'Reconcile' || cmd.type === 'FireTimer' ? { ...cmd, onCall, rotation } : cmd;
      const r = await this.escalations.handle(subject, withAnswers, { actor: SYSTEM_ACTORS.escalator, source: 'system', causation });
      switch (r.kind) {
        case 'appended':
        case 'unchanged':
          return null;
        case 'conflict':
          return Outcome.retry(`${subject} kept changing after ${r.attempts} attempts`);
        case 'rejected': {
          const q = r.rejection;
          if (q.code === 'needs_on_call') onCall[q.scheduleId] = await this.onCall.whoIsOnCall(q.scheduleId, this.runtime.now());
          else {
            const turn = await this.claimTurn(q.claim, alertGroupId, causation);
            if (turn === null) return Outcome.retry(`the turns of ${q.claim.chainId} step ${q.claim.stepIndex} kept changing`);
            rotation[q.claim.claimId] = turn;
          }
          break;
        }
        default: {
          const never: never = r;
          return never;
        }
      }
    }
    this.log.error(`${subject}: still asking after ${MAX_LOOKUPS} questions (schedules, turns); the commit is left for a redelivery`, 'escalator');
    return Outcome.retry(`more than ${MAX_LOOKUPS} lookups`);
  }

  /**
   * Takes the next turn of a round-robin step, or finds the one this run took
   * before (a redelivery after a crash between the turn and the escalation's
   * commit). null when other runs kept taking turns first.
   */
  private async claimTurn(claim: RotationClaim, alertGroupId: string, causation: { eventId: string; correlationId: string }): Promise<string | null> {
    const subject = subjects.escalationRotation(this.topology, claim.chainId, claim.stepIndex);
    const r = await this.rotations.handle(
      subject,
      { type: 'ClaimTurn', chainId: claim.chainId, stepIndex: claim.stepIndex, claimId: claim.claimId, alertGroupId, users: claim.users },
      { actor: SYSTEM_ACTORS.escalator, source: 'system', causation, msgId: `rr:${claim.claimId}` },
    );
    if (r.kind === 'conflict') return null;
    return r.state.claims.get(claim.claimId) ?? null;
  }
}

export function escalatorConsumers(t: Topology) {
  return {
    [ESCALATOR_GROUPS]: { durable: 'escalator-alert-group', filter: subjects.allOf(t, 'alert-group'), concurrency: 16 },
    [ESCALATOR_TIMERS]: { durable: 'escalator-timers', filter: subjects.allOf(t, 'escalation'), concurrency: 16 },
  };
}
