import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { subjects, SYSTEM_ACTORS, type AlertGroupCommandRequest, type CommandReply, type Actor, type Source, ALERT_GROUP_ACTIONS } from '@dozor/contracts';
import { decide, groupState, type AlertGroupCommand } from '@dozor/domain';
import { Outcome, WrongExpectedVersionError, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
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
    if (received) await this.decidePending(commit.subject);
    if (silenceTimer && silenceTimer.type === 'TimerFired') {
      const timer = parseSilenceTimerId(silenceTimer.data.timerId);
      if (timer) {
        await this.repo.handle(commit.subject, (state) =>
          this.toAppend(decide({ type: 'ExpireSilence', ...timer }, state), SYSTEM_ACTORS.timer, 'system', silenceTimer.metadata),
        );
      }
    }
    return Outcome.done;
  }

  private async decidePending(subject: string): Promise<void> {
    for (let guard = 0; guard < 10_000; guard++) {
      const { result } = await this.repo.handle<'idle'>(subject, (state) => {
        const next = state.pending[0];
        if (!next) return { result: 'idle' };
        const now = this.runtime.clock();
        const prepared = this.renderer.prepare(next.data, state, now);
        const failed = [...(prepared.routeErrors ?? []), ...(prepared.templateErrors ?? [])];
        if (failed.length) this.log.warn(`template errors for ${next.data.integrationId}: ${JSON.stringify(failed).slice(0, 2000)}`, 'router');
        const cmd: AlertGroupCommand = { type: 'ProcessReceipt', receiptId: next.data.receiptId, now: now.toISOString(), ...prepared };
        return this.toAppend(decide(cmd, state), SYSTEM_ACTORS.router, 'system', { eventId: next.eventId, correlationId: next.correlationId });
      });
      if (result === 'idle') return;
    }
  }

  private toAppend(d: ReturnType<typeof decide>, actor: Actor, source: Source, causation: { eventId: string; correlationId: string }) {
    if ('rejected' in d) return { result: d.rejected as never };
    return { events: d.events, options: { actor, source, causation } };
  }

  /** Action commands (API, Telegram): decided against the latest state, retried on a lost race. */
  @MessagePattern(ROUTER_COMMANDS)
  async onCommand(@Payload() req: AlertGroupCommandRequest): Promise<CommandReply> {
    if (!req || !ALERT_GROUP_ACTIONS.includes(req.action)) return { ok: false, code: 'bad_request', message: `unknown action ${JSON.stringify(req?.action)}` };
    const parsed = typeof req.alertGroupId === 'string' ? parseAlertGroupId(req.alertGroupId) : null;
    if (!parsed) return { ok: false, code: 'not_found', message: `alert group ${JSON.stringify(req.alertGroupId)} not found` };
    if (!req.actor || typeof req.actor.id !== 'string') return { ok: false, code: 'bad_request', message: 'actor is required' };
    const subject = subjects.alertGroup(this.runtime.settings.topology, parsed.aggregateKey);
    try {
      const out = await this.repo.handle<{ code: 'not_found' | 'invalid_transition' | 'bad_request'; message: string }>(subject, (state) => {
        const d = decide(
          {
            type: 'ActOnAlertGroup',
            action: req.action,
            alertGroupId: req.alertGroupId,
            actor: req.actor,
            source: req.source,
            durationSeconds: req.durationSeconds,
            now: this.runtime.now(),
          },
          state,
        );
        if ('rejected' in d) return { result: d.rejected };
        return { events: d.events, options: { actor: req.actor, source: req.source, correlationId: undefined } };
      });
      if (out.result) return { ok: false, code: out.result.code, message: out.result.message };
      const g = out.state.current!;
      return { ok: true, alertGroupId: g.alertGroupId, state: groupState(g), events: out.appended?.events.map((e) => e.type) ?? [] };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) return { ok: false, code: 'conflict', message: 'the alert group kept changing; try again' };
      throw err;
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
