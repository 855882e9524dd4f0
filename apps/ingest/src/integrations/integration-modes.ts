import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { subjects } from '@dozor/contracts';
import { activeMaintenance, integrationDecider, type ActiveMaintenance, type IntegrationAggregate } from '@dozor/domain';
import { AggregateRepository, EventStore } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';

/** At most this old, even if a change notification was lost. */
const MAX_AGE_MS = 2000;

/**
 * The maintenance/debug mode of each integration, as ingest needs it for every
 * alert. Reading the integration's subject on every request would cost a
 * round trip to JetStream per alert; instead the folded state is cached and
 * marked stale when anything is appended to `evt.integration.<id>` (a plain
 * core-NATS subscription sees every publish to the subject), on reconnect,
 * and after MAX_AGE_MS. A stale entry reads only what was appended since.
 */
@Injectable()
export class IntegrationModes implements OnModuleInit, OnApplicationShutdown {
  private readonly repo: AggregateRepository<IntegrationAggregate>;
  private readonly fresh = new Map<string, { state: IntegrationAggregate; at: number }>();
  /** Bumped on every change notification, so a load that raced with one is not kept as fresh. */
  private changes = 0;
  private sub: ReturnType<Runtime['nc']['subscribe']> | null = null;
  private closed = false;

  constructor(
    store: EventStore,
    private readonly runtime: Runtime,
  ) {
    this.repo = new AggregateRepository(store, integrationDecider, 1000);
  }

  onModuleInit(): void {
    const t = this.runtime.settings.topology;
    this.sub = this.runtime.nc.subscribe(subjects.allOf(t, 'integration'), {
      callback: (_err, msg) => {
        const id = subjects.parse(t, msg.subject)?.id;
        this.changes++;
        if (id) this.fresh.delete(id);
      },
    });
    void (async () => {
      for await (const s of this.runtime.nc.status()) {
        if (this.closed) break;
        if (s.type === 'reconnect' || s.type === 'disconnect') {
          this.changes++;
          this.fresh.clear();
        }
      }
    })().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.sub?.unsubscribe();
  }

  /** The mode in force for the integration at `now`, or null. Throws EventStoreUnavailableError when the log cannot be read. */
  async modeOf(integrationId: string, now: Date): Promise<ActiveMaintenance | null> {
    let entry = this.fresh.get(integrationId);
    if (!entry || now.getTime() - entry.at > MAX_AGE_MS || entry.at > now.getTime()) {
      const at = now.getTime();
      const before = this.changes;
      const { state } = await this.repo.load(subjects.integration(this.runtime.settings.topology, integrationId));
      entry = { state, at };
      if (this.changes === before) this.fresh.set(integrationId, entry);
    }
    return activeMaintenance(entry.state, now.toISOString());
  }
}
