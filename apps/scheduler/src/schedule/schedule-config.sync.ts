import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { subjects, SYSTEM_ACTORS } from '@dozor/contracts';
import { JsonLogger } from '@dozor/telemetry';
import { ScheduleRepository } from './schedule.repository.js';
import { configureCommand } from './schedule-definition.js';

/**
 * At start, turns the `schedules:` section of the config into configuration
 * events: for each schedule, a `ScheduleConfigured` when its definition differs
 * from the last one on its subject, and a `ScheduleRemoved` for a schedule the
 * log has and the config no longer declares. Appends carry the expected
 * version, so replicas starting together append each change once: the loser
 * reloads, finds the definition already there and appends nothing.
 */
@Injectable()
export class ScheduleConfigSync implements OnApplicationBootstrap {
  constructor(
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(JsonLogger) private readonly log: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync();
  }

  /** Returns the number of events appended. */
  async sync(): Promise<number> {
    const origin = this.schedules.runtime.config.file;
    const options = { actor: SYSTEM_ACTORS.config, source: 'cli' as const };
    let appended = 0;
    const wanted = new Set<string>();
    for (const def of this.schedules.configuredSchedules()) {
      const subject = this.schedules.subject(def.id);
      wanted.add(subject);
      const r = await this.schedules.repo.handle(subject, configureCommand(def, origin), options);
      if (r.kind === 'conflict') throw new Error(`schedule ${def.id}: its subject kept changing (${r.attempts} attempts)`);
      if (r.kind === 'appended' && !r.duplicate) {
        appended++;
        const e = r.events[0]!;
        this.log.info(`schedule ${def.id}: configuration ${e.type === 'ScheduleConfigured' ? e.data.change : 'changed'} (seq ${r.version})`, {
          schedule: def.id,
        });
      }
    }
    for (const subject of await this.scheduleSubjects()) {
      if (wanted.has(subject)) continue;
      const id = subjects.parse(this.schedules.store.topology, subject)?.id ?? subject;
      const r = await this.schedules.repo.handle(subject, ({ state }) => ({ type: 'RemoveSchedule', scheduleId: state.definition?.id ?? id, origin }), options);
      if (r.kind === 'conflict') throw new Error(`schedule ${id}: its subject kept changing (${r.attempts} attempts)`);
      if (r.kind === 'appended' && !r.duplicate) {
        appended++;
        this.log.info(`schedule ${id}: no longer in the configuration; recorded as removed (seq ${r.version})`, { schedule: id });
      }
    }
    return appended;
  }

  /** Every schedule subject in the stream. */
  private async scheduleSubjects(): Promise<string[]> {
    const { store } = this.schedules;
    return store.subjectsMatching(subjects.allOf(store.topology, 'schedule'));
  }
}
