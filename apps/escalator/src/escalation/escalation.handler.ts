import { Controller, Inject, Injectable } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { parseAlertGroupId, subjects, SYSTEM_ACTORS, type DozorEvent, type Topology } from '@dozor/contracts';
import {
  alertGroupDecider,
  escalationDecider,
  groupState,
  type AlertGroupAggregate,
  type EscalationCommand,
  type EscalationRejection,
  type EscalationState,
  type OnCallLookups,
} from '@dozor/domain';
import { AggregateRepository, CommandHandler, EventStore, Outcome, type EventLog, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { OnCallClient } from './on-call.client.js';

export const ESCALATOR_GROUPS = 'escalator.alert-group';
export const ESCALATOR_TIMERS = 'escalator.timers';

const STATE_EVENTS = new Set<DozorEvent['type']>([
  'AlertGroupCreated',
  'AlertGroupAcknowledged',
  'AlertGroupUnacknowledged',
  'AlertGroupResolved',
  'AlertGroupUnresolved',
  'AlertGroupSilenced',
  'AlertGroupUnsilenced',
]);

@Injectable()
export class EscalationRepository extends CommandHandler<EscalationCommand, EscalationState, EscalationRejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, escalationDecider);
  }
}

/** Reads alert groups (the router decides on them): the aggregate, and the stream sequence of the current group's last state change. */
export interface EscalatorGroupState {
  agg: AlertGroupAggregate;
  transition: number;
}

export function evolveEscalatorGroup(s: EscalatorGroupState, e: DozorEvent, seq: number): EscalatorGroupState {
  const agg = alertGroupDecider.evolve(s.agg, e);
  const current = agg.current?.alertGroupId;
  const changed = STATE_EVENTS.has(e.type) && (e.data as { alertGroupId: string }).alertGroupId === current;
  if (!changed) return agg === s.agg ? s : { ...s, agg };
  return { agg, transition: seq };
}

@Injectable()
export class GroupReader extends AggregateRepository<EscalatorGroupState> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, { initialState: () => ({ agg: alertGroupDecider.initialState(), transition: 0 }), evolve: evolveEscalatorGroup });
  }
}

/** Schedules one run of steps may ask about before it gives up. */
const MAX_ON_CALL_LOOKUPS = 20;

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
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  @EventPattern(ESCALATOR_GROUPS)
  async onGroupCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const ids = new Set<string>();
    for (const e of commit.events) if (STATE_EVENTS.has(e.type)) ids.add((e.data as { alertGroupId: string }).alertGroupId);
    if (ids.size === 0) return Outcome.skipped('no state change');
    const {
      state: { agg, transition },
    } = await this.groups.load(commit.subject);
    let failed: HandlerOutcome | null = null;
    for (const alertGroupId of ids) {
      const g = agg.current;
      // Only the latest generation escalates; older ones are resolved.
      if (!g || g.alertGroupId !== alertGroupId) continue;
      const chain = g.escalationChainId ? (this.runtime.config.escalationChains.find((c) => c.id === g.escalationChainId) ?? null) : null;
      const cause = commit.events.find((e) => STATE_EVENTS.has(e.type))!;
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
        },
        { eventId: cause.metadata.eventId, correlationId: cause.metadata.correlationId },
      );
      failed ??= out;
    }
    return failed ?? Outcome.done;
  }

  @EventPattern(ESCALATOR_TIMERS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const fired = commit.events.filter((e) => e.type === 'TimerFired');
    if (fired.length === 0) return Outcome.skipped('no timer');
    const id = subjects.parse(this.topology, commit.subject)?.id;
    if (!id || !parseAlertGroupId(id)) return Outcome.skipped('not an escalation subject');
    let failed: HandlerOutcome | null = null;
    for (const e of fired) {
      if (e.type !== 'TimerFired') continue;
      const out = await this.decideAndAppend(
        id,
        { type: 'FireTimer', timerId: e.data.timerId, now: this.runtime.now() },
        { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId },
      );
      failed ??= out;
    }
    return failed ?? Outcome.done;
  }

  /** Decides and appends; null when that went through, else the failure outcome for the runner. */
  private async decideAndAppend(
    alertGroupId: string,
    cmd: EscalationCommand,
    causation: { eventId: string; correlationId: string },
  ): Promise<HandlerOutcome | null> {
    const subject = subjects.escalation(this.topology, alertGroupId);
    const onCall: OnCallLookups = {};
    // Asking the scheduler is I/O: do it outside the decision, then decide again with the answer.
    for (let i = 0; i < MAX_ON_CALL_LOOKUPS; i++) {
      const r = await this.escalations.handle(subject, { ...cmd, onCall }, { actor: SYSTEM_ACTORS.escalator, source: 'system', causation });
      switch (r.kind) {
        case 'appended':
        case 'unchanged':
          return null;
        case 'conflict':
          return Outcome.retry(`${subject} kept changing after ${r.attempts} attempts`);
        case 'rejected':
          onCall[r.rejection.scheduleId] = await this.onCall.whoIsOnCall(r.rejection.scheduleId, this.runtime.now());
          break;
        default: {
          const never: never = r;
          return never;
        }
      }
    }
    this.log.error(`${subject}: still asking who is on call after ${MAX_ON_CALL_LOOKUPS} schedules; the commit is left for a redelivery`, 'escalator');
    return Outcome.retry(`more than ${MAX_ON_CALL_LOOKUPS} on-call lookups`);
  }
}

export function escalatorConsumers(t: Topology) {
  return {
    [ESCALATOR_GROUPS]: { durable: 'escalator-alert-group', filter: subjects.allOf(t, 'alert-group'), concurrency: 16 },
    [ESCALATOR_TIMERS]: { durable: 'escalator-timers', filter: subjects.allOf(t, 'escalation'), concurrency: 16 },
  };
}
