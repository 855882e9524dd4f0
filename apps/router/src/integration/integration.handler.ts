import { Controller, Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  aggregateKeyOf,
  parseMaintenanceTimerId,
  subjects,
  SYSTEM_ACTORS,
  type Actor,
  type DozorEvent,
  type IntegrationCommandReply,
  type IntegrationCommandRequest,
  type IntegrationStatus,
  type Source,
  type Topology,
} from '@dozor/contracts';
import {
  heartbeatMissing,
  integrationDecider,
  maintenanceGroupingKey,
  type IntegrationAggregate,
  type IntegrationCommand,
  type Rejection,
} from '@dozor/domain';
import { CommandHandler, EventStore, Outcome, type CommandResult, type EventLog, type HandlerOutcome, type RecordedCommit } from '@dozor/eventstore';
import type { IntegrationConfig } from '@dozor/config';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { AlertGroupRepository } from '../alert-group/alert-group.repository.js';
import { HeartbeatAlerts } from './heartbeat-alerts.js';

export const ROUTER_INTEGRATION = 'router.integration';
export const ROUTER_HEARTBEATS = 'router.heartbeats';
export const ROUTER_INTEGRATION_COMMANDS = 'router.integration-commands';

/** Who applies the integration's `maintenance:` from dozor.yaml (named for the timeline). */
const CONFIG_ACTOR: Actor = { ...SYSTEM_ACTORS.config, name: 'dozor.yaml' };

@Injectable()
export class IntegrationRepository extends CommandHandler<IntegrationCommand, IntegrationAggregate, Rejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, integrationDecider, { maxCached: 1000 });
  }
}

type Causation = { eventId: string; correlationId: string } | undefined;

/** A subject that kept changing through every retry. Thrown so that the consumer runner redelivers the commit. */
class IntegrationConflict extends Error {
  constructor(integrationId: string, attempts: number) {
    super(`integration ${integrationId} kept changing (${attempts} attempts)`);
  }
}

/**
 * The integration aggregate's command side: maintenance and debug mode
 * (REST API through `<prefix>.cmd.integration`, and dozor.yaml at start),
 * their expiry (durable timer), the maintenance group's resolve when a
 * maintenance ends, and heartbeat incidents: a heartbeat timer that fires
 * with no newer heartbeat records HeartbeatMissed, the next heartbeat
 * HeartbeatRestored; each raises or resolves the DozorHeartbeatMissing alert.
 */
@Controller()
export class IntegrationHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private applying: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly repo: IntegrationRepository,
    private readonly groups: AlertGroupRepository,
    private readonly heartbeats: HeartbeatAlerts,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  private get topology(): Topology {
    return this.runtime.settings.topology;
  }

  private integration(id: string): IntegrationConfig | undefined {
    return this.runtime.config.integrations.find((i) => i.id === id);
  }

  /** Brings each integration's mode in line with its `maintenance:` (once per distinct value; see the decider). */
  onApplicationBootstrap(): void {
    this.applying = (async () => {
      for (let attempt = 1; attempt <= 10 && !this.stopped; attempt++) {
        try {
          for (const integration of this.runtime.config.integrations) {
            await this.decideOn(
              integration.id,
              { type: 'ApplyConfiguredMaintenance', integrationId: integration.id, desired: integration.maintenance, now: this.runtime.now() },
              CONFIG_ACTOR,
              'system',
            );
          }
          return;
        } catch (err) {
          this.log.warn(`applying maintenance from config failed (attempt ${attempt}): ${(err as Error).message}`, 'router');
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.applying;
  }

  /** Decides on the integration's subject. A conflict left after the retries is thrown, so a consumer redelivers the commit. */
  private async decideOn(
    integrationId: string,
    cmd: IntegrationCommand,
    actor: Actor,
    source: Source,
    causation?: Causation,
  ): Promise<Exclude<CommandResult<IntegrationAggregate, Rejection>, { kind: 'conflict' }>> {
    const r = await this.repo.handle(subjects.integration(this.topology, integrationId), cmd, { actor, source, causation });
    if (r.kind === 'conflict') throw new IntegrationConflict(integrationId, r.attempts);
    return r;
  }

  @EventPattern(ROUTER_INTEGRATION)
  async onIntegrationCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const integrationId = subjects.parse(this.topology, commit.subject)?.id;
    const integration = integrationId ? this.integration(integrationId) : undefined;
    if (!integrationId || !integration) return Outcome.skipped('not an integration of this config');
    let acted = false;
    for (const e of commit.events) {
      const causation = { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId };
      if (e.type === 'TimerFired' && e.data.purpose === 'maintenance') {
        acted = true;
        const timer = parseMaintenanceTimerId(e.data.timerId);
        if (timer?.integrationId === integrationId) {
          await this.decideOn(integrationId, { type: 'ExpireMaintenance', maintenanceId: timer.maintenanceId }, SYSTEM_ACTORS.timer, 'system', causation);
        }
      } else if (e.type === 'TimerFired' && e.data.purpose === 'heartbeat' && integration.heartbeat) {
        // (A deadline left from before `heartbeat:` was removed from the config raises nothing.)
        acted = true;
        const last = await this.heartbeats.lastHeartbeat(integrationId);
        await this.decideOn(
          integrationId,
          {
            type: 'CheckHeartbeat',
            integrationId,
            timerId: e.data.timerId,
            lastHeartbeat: last && { timerId: last.timerId, receivedAt: last.receivedAt, dueAt: last.dueAt },
          },
          SYSTEM_ACTORS.timer,
          'system',
          causation,
        );
      } else if (e.type === 'IntegrationMaintenanceEnded' && e.data.mode === 'maintenance') {
        acted = true;
        await this.closeMaintenanceGroup(integrationId, e.data.maintenanceId, causation);
      } else if (e.type === 'HeartbeatMissed' || e.type === 'HeartbeatRestored') {
        acted = true;
        await this.raiseHeartbeatAlert(integration, e, causation);
      }
    }
    return acted ? Outcome.done : Outcome.skipped('nothing to do');
  }

  /** Every heartbeat: if the integration's heartbeat was missing, it is restored. */
  @EventPattern(ROUTER_HEARTBEATS)
  async onHeartbeatCommit(commit: RecordedCommit): Promise<HandlerOutcome> {
    const hb = commit.events.findLast((e) => e.type === 'HeartbeatReceived');
    if (!hb || hb.type !== 'HeartbeatReceived' || !this.integration(hb.data.integrationId)) return Outcome.skipped('no heartbeat of this config');
    const { state } = await this.repo.load(subjects.integration(this.topology, hb.data.integrationId));
    if (!heartbeatMissing(state)) return Outcome.skipped('heartbeat was not missing');
    await this.decideOn(
      hb.data.integrationId,
      { type: 'NoteHeartbeat', integrationId: hb.data.integrationId, receivedAt: hb.data.receivedAt },
      SYSTEM_ACTORS.router,
      'system',
      {
        eventId: hb.metadata.eventId,
        correlationId: hb.metadata.correlationId,
      },
    );
    return Outcome.done;
  }

  private async closeMaintenanceGroup(integrationId: string, maintenanceId: string, causation: Causation): Promise<void> {
    const key = aggregateKeyOf(integrationId, maintenanceGroupingKey(maintenanceId));
    const r = await this.groups.handle(
      subjects.alertGroup(this.topology, key),
      { type: 'CloseMaintenanceGroup' },
      { actor: SYSTEM_ACTORS.router, source: 'system', causation },
    );
    if (r.kind === 'conflict') throw new IntegrationConflict(integrationId, r.attempts);
  }

  /**
   * The alert goes out once the fact is in the log (this consumer is its
   * outbox). Commits can arrive out of order across replicas, so a restore
   * appends the firing alert first (deduplicated by its msg id) and a miss
   * that is already restored appends nothing: the resolved alert never comes
   * before the firing one.
   */
  private async raiseHeartbeatAlert(
    integration: IntegrationConfig,
    e: Extract<DozorEvent, { type: 'HeartbeatMissed' | 'HeartbeatRestored' }>,
    causation: Causation,
  ): Promise<void> {
    const { state } = await this.repo.load(subjects.integration(this.topology, integration.id));
    const incident = state.lastIncident;
    if (!incident || incident.incidentId !== e.data.incidentId) return; // superseded by a newer incident
    if (e.type === 'HeartbeatMissed' && incident.restoredAt !== null) return;
    const c = causation ?? { eventId: e.metadata.eventId, correlationId: e.metadata.correlationId };
    await this.heartbeats.raise(integration, incident, 'missed', state, c);
    if (incident.restoredAt !== null) await this.heartbeats.raise(integration, incident, 'restored', state, c);
  }

  /** Maintenance and debug mode from the REST API (and status). */
  @MessagePattern(ROUTER_INTEGRATION_COMMANDS)
  async onCommand(@Payload() req: IntegrationCommandRequest): Promise<IntegrationCommandReply> {
    if (!req || typeof req.integrationId !== 'string') return { ok: false, code: 'bad_request', message: 'integrationId is required' };
    if (!this.integration(req.integrationId))
      return { ok: false, code: 'not_found', message: `integration ${JSON.stringify(req.integrationId.slice(0, 64))} not found` };
    if (!req.actor || typeof req.actor.id !== 'string') return { ok: false, code: 'bad_request', message: 'actor is required' };
    let cmd: IntegrationCommand | null = null;
    switch (req.action) {
      case 'start_maintenance':
        if (req.mode !== 'maintenance' && req.mode !== 'debug')
          return { ok: false, code: 'bad_request', message: `mode must be maintenance or debug, got ${JSON.stringify(req.mode)}` };
        cmd = {
          type: 'StartMaintenance',
          integrationId: req.integrationId,
          mode: req.mode,
          durationSeconds: req.durationSeconds ?? null,
          origin: 'api',
          now: this.runtime.now(),
        };
        break;
      case 'stop_maintenance':
        cmd = { type: 'StopMaintenance', integrationId: req.integrationId };
        break;
      case 'status':
        break;
      default:
        return { ok: false, code: 'bad_request', message: `unknown action ${JSON.stringify((req as { action?: unknown }).action)}` };
    }
    try {
      let events: string[] = [];
      if (cmd) {
        const out = await this.decideOn(req.integrationId, cmd, req.actor, req.source ?? 'api');
        if (out.kind === 'rejected') return { ok: false, code: out.rejection.code, message: out.rejection.message };
        events = out.kind === 'appended' ? out.events.map((e) => e.type) : [];
      }
      return { ok: true, status: await this.status(req.integrationId), events };
    } catch (err) {
      if (err instanceof IntegrationConflict) return { ok: false, code: 'conflict', message: 'the integration kept changing; try again' };
      throw err;
    }
  }

  private async status(integrationId: string): Promise<IntegrationStatus> {
    const { state } = await this.repo.load(subjects.integration(this.topology, integrationId));
    const now = Date.parse(this.runtime.now());
    const m = state.maintenance && (state.maintenance.until === null || Date.parse(state.maintenance.until) > now) ? state.maintenance : null;
    const integration = this.integration(integrationId)!;
    const last = integration.heartbeat ? await this.heartbeats.lastHeartbeat(integrationId) : null;
    return {
      integrationId,
      maintenance: m && { maintenanceId: m.maintenanceId, mode: m.mode, startedAt: m.startedAt, until: m.until, origin: m.origin },
      heartbeat: integration.heartbeat
        ? { lastHeartbeatAt: last?.receivedAt ?? null, dueAt: last?.dueAt ?? null, missing: heartbeatMissing(state) !== null }
        : null,
    };
  }
}

export function integrationConsumers(t: Topology) {
  return {
    [ROUTER_INTEGRATION]: { durable: 'router-integration', filter: subjects.allOf(t, 'integration'), concurrency: 4 },
    [ROUTER_HEARTBEATS]: { durable: 'router-heartbeats', filter: subjects.allOf(t, 'heartbeat'), concurrency: 4 },
  };
}

export function integrationRequests(t: Topology) {
  return { [ROUTER_INTEGRATION_COMMANDS]: { subject: subjects.integrationCommands(t), queue: 'router' } };
}
