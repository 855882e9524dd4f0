import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { subjects, SYSTEM_ACTORS, type AlertGroupCommandRequest, type CommandReply, ALERT_GROUP_ACTIONS } from '@dozor/contracts';
import { groupState } from '@dozor/domain';
import { Outcome, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import { parseAlertGroupId, parseSilenceTimerId } from '@dozor/contracts';
import { JsonLogger } from '@dozor/telemetry';
import { Runtime } from '@dozor/platform';
import { AlertGroupRepository } from './alert-group.repository.js';
import { ReceiptRenderer } from './receipt-renderer.js';

export const ROUTER_ALERT_GROUP = 'router.alert-group';
export const ROUTER_COMMANDS = 'router.commands';

/**
 * The AlertGroup aggregate's command side. Receipts are decided strictly in
 * log order per grouping key: whichever replica gets any AlertReceived
 * decides every pending one on that subject, oldest first, so delivery order
 * across replicas does not matter.
 */
@Controller()
export class AlertGroupHandler {
  constructor(
    private readonly repo: AlertGroupRepository,
    private readonly renderer: ReceiptRenderer,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  @EventPattern(ROUTER_ALERT_GROUP)
  async onAlertGroupCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const received = commit.events.some((e) => e.type === 'AlertReceived');
    const silenceTimer = commit.events.find((e) => e.type === 'TimerFired' && e.data.purpose === 'silence');
    if (!received && !silenceTimer) return Outcome.skipped('no receipt or timer');
    if (received) {
      const failed = await this.decidePending(commit.subject);
      if (failed) return failed;
    }
    if (silenceTimer && silenceTimer.type === 'TimerFired') {
      const timer = parseSilenceTimerId(silenceTimer.data.timerId);
      if (timer) {
        const r = await this.repo.handle(
          commit.subject,
          { type: 'ExpireSilence', ...timer },
          { actor: SYSTEM_ACTORS.timer, source: 'system', causation: silenceTimer.metadata },
        );
        if (r.kind === 'conflict') return Outcome.retry(`${commit.subject} kept changing while a silence expired`);
      }
    }
    return Outcome.done;
  }

  /** Decides every pending receipt, oldest first. Returns a failure outcome when it has to stop before the subject is idle. */
  private async decidePending(subject: string): Promise<HandlerOutcome | null> {
    const MAX_RECEIPTS = 10_000;
    for (let n = 0; n < MAX_RECEIPTS; n++) {
      const r = await this.repo.handle(
        subject,
        ({ state }) => {
          const next = state.pending[0];
          if (!next) return null;
          const now = this.runtime.clock();
          const prepared = this.renderer.prepare(next.data, state, now);
          const failed = [...(prepared.routeErrors ?? []), ...(prepared.templateErrors ?? [])];
          if (failed.length) this.log.warn(`template errors for ${next.data.integrationId}: ${JSON.stringify(failed).slice(0, 2000)}`, 'router');
          return { type: 'ProcessReceipt', receiptId: next.data.receiptId, now: now.toISOString(), ...prepared };
        },
        (_cmd, { state }) => ({
          actor: SYSTEM_ACTORS.router,
          source: 'system',
          causation: { eventId: state.pending[0]!.eventId, correlationId: state.pending[0]!.correlationId },
        }),
      );
      switch (r.kind) {
        case 'unchanged':
          return null;
        case 'appended':
          // Appended at exactly the version it was decided on, so the subject holds just what the state folded: with nothing
          // pending there, the subject is idle as of this append, and a receipt appended after it comes with its own
          // delivery. Not reading the subject once more saves a round trip on every new alert's path. A duplicate may
          // sit anywhere on the subject: look again.
          if (!r.duplicate && r.state.pending.length === 0) return null;
          continue;
        case 'rejected':
          this.log.error(`${subject}: the oldest pending receipt was refused (${r.rejection.code}: ${r.rejection.message})`, 'router');
          return Outcome.retry(`receipt refused: ${r.rejection.message}`);
        case 'conflict':
          return Outcome.retry(`${subject} kept changing after ${r.attempts} attempts`);
        default: {
          const never: never = r;
          return never;
        }
      }
    }
    this.log.error(`${subject}: still receipts pending after deciding ${MAX_RECEIPTS}; the rest is left for a redelivery`, 'router');
    return Outcome.retry(`more than ${MAX_RECEIPTS} pending receipts`);
  }

  /** Action commands (API, Telegram): decided against the latest state, retried on a lost race. */
  @MessagePattern(ROUTER_COMMANDS)
  async onCommand(@Payload() req: AlertGroupCommandRequest): Promise<CommandReply> {
    if (!req || !ALERT_GROUP_ACTIONS.includes(req.action)) return { ok: false, code: 'bad_request', message: `unknown action ${JSON.stringify(req?.action)}` };
    const parsed = typeof req.alertGroupId === 'string' ? parseAlertGroupId(req.alertGroupId) : null;
    if (!parsed) return { ok: false, code: 'not_found', message: `alert group ${JSON.stringify(req.alertGroupId)} not found` };
    if (!req.actor || typeof req.actor.id !== 'string') return { ok: false, code: 'bad_request', message: 'actor is required' };
    const subject = subjects.alertGroup(this.runtime.settings.topology, parsed.aggregateKey);
    const r = await this.repo.handle(
      subject,
      () => ({
        type: 'ActOnAlertGroup',
        action: req.action,
        alertGroupId: req.alertGroupId,
        actor: req.actor,
        source: req.source,
        durationSeconds: req.durationSeconds,
        now: this.runtime.now(),
      }),
      { actor: req.actor, source: req.source, correlationId: undefined },
    );
    switch (r.kind) {
      case 'rejected':
        return { ok: false, code: r.rejection.code, message: r.rejection.message };
      case 'conflict':
        return { ok: false, code: 'conflict', message: 'the alert group kept changing; try again' };
      case 'appended':
      case 'unchanged': {
        const g = r.state.current!;
        return { ok: true, alertGroupId: g.alertGroupId, state: groupState(g), events: r.kind === 'appended' ? r.events.map((e) => e.type) : [] };
      }
      default: {
        const never: never = r;
        return never;
      }
    }
  }
}

export function routerConsumers(t: import('@dozor/contracts').Topology) {
  return {
    [ROUTER_ALERT_GROUP]: { durable: 'router-alert-group', filter: subjects.allOf(t, 'alert-group'), concurrency: 16 },
  };
}

export function routerRequests(t: import('@dozor/contracts').Topology) {
  return { [ROUTER_COMMANDS]: { subject: subjects.alertGroupCommands(t), queue: 'router' } };
}
