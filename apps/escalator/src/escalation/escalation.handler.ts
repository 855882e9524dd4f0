import { Controller, Injectable } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { parseAlertGroupId, subjects, SYSTEM_ACTORS, type DozorEvent, type Topology } from '@dozor/contracts';
import {
  decideEscalation,
  evolve,
  evolveEscalation,
  groupState,
  initialEscalationState,
  initialState,
  type AlertGroupAggregate,
  type EscalationCommand,
  type EscalationState,
  type OnCallLookups,
} from '@dozor/domain';
import { AggregateRepository, EventStore, Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
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
export class EscalationRepository extends AggregateRepository<EscalationState> {
  constructor(store: EventStore) {
    super(store, { initialState: initialEscalationState, evolve: (s, e) => evolveEscalation(s, e) });
  }
}

/** The alert-group aggregate, and the stream sequence of the current group's last state change. */
export interface EscalatorGroupState {
  agg: AlertGroupAggregate;
  transition: number;
}

export function evolveEscalatorGroup(s: EscalatorGroupState, e: DozorEvent, seq: number): EscalatorGroupState {
  const agg = evolve(s.agg, e);
  const current = agg.current?.alertGroupId;
  const changed = STATE_EVENTS.has(e.type) && (e.data as { alertGroupId: string }).alertGroupId === current;
  if (!changed) return agg === s.agg ? s : { ...s, agg };
  return { agg, transition: seq };
}

@Injectable()
export class GroupReader extends AggregateRepository<EscalatorGroupState> {
  constructor(store: EventStore) {
    super(store, { initialState: () => ({ agg: initialState(), transition: 0 }), evolve: evolveEscalatorGroup });
  }
}

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
    for (const alertGroupId of ids) {
      const g = agg.current;
      // Only the latest generation escalates; older ones are resolved.
      if (!g || g.alertGroupId !== alertGroupId) continue;
      const chain = g.escalationChainId ? (this.runtime.config.escalationChains.find((c) => c.id === g.escalationChainId) ?? null) : null;
      const cause = commit.events.find((e) => STATE_EVENTS.has(e.type))!;
      await this.decideAndAppend(
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
    }
    return Outcome.done;
  }

  @EventPattern(ESCALATOR_TIMERS)
  async onEscalationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const fired = commit.events.filter((e) => e.type === 'TimerFired');
    if (fired.length === 0) return Outcome.skipped('no timer');
    const id = subjects.parse(this.topology, commit.subject)?.id;
    if (!id || !parseAlertGroupId(id)) return Outcome.skipped('not an escalation subject');
    for (const e of fired) {
      if (e.type !== 'TimerFired') continue;
      await this.decideAndAppend(
        id,
        { type: 'FireTimer', timerId: e.data.timerId, now: this.runtime.now() },
        { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId },
      );
    }
    return Outcome.done;
  }

  private async decideAndAppend(alertGroupId: string, cmd: EscalationCommand, causation: { eventId: string; correlationId: string }): Promise<void> {
    const subject = subjects.escalation(this.topology, alertGroupId);
    const lookups: OnCallLookups = {};
    // Asking the scheduler is I/O: do it outside the decision, then decide again with the answer.
    for (let i = 0; i < 20; i++) {
      let needs: string | null = null;
      await this.escalations.handle(subject, (state) => {
        const d = decideEscalation(cmd, state, lookups);
        if ('needsOnCall' in d) {
          needs = d.needsOnCall;
          return { result: null };
        }
        return { events: d.events, options: { actor: SYSTEM_ACTORS.escalator, source: 'system', causation } };
      });
      if (!needs) return;
      lookups[needs] = await this.onCall.whoIsOnCall(needs, this.runtime.now());
    }
  }
}

export function escalatorConsumers(t: Topology) {
  return {
    [ESCALATOR_GROUPS]: { durable: 'escalator-alert-group', filter: subjects.allOf(t, 'alert-group'), concurrency: 16 },
    [ESCALATOR_TIMERS]: { durable: 'escalator-timers', filter: subjects.allOf(t, 'escalation'), concurrency: 16 },
  };
}
