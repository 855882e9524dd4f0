import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { subjects, SYSTEM_ACTORS, type NewEvent } from '@dozor/contracts';
import type { ScheduleDef } from '@dozor/domain';
import { JsonLogger } from '@dozor/telemetry';
import { ScheduleRepository } from './schedule.repository.js';
import { definitionSha256, redactedDefinition, toDefinitionJson } from './schedule-definition.js';
import type { ScheduleAggregate } from './schedule.state.js';

/** What to append for a configured definition, given the subject's state: nothing when it is unchanged. */
export function decideConfigure(state: ScheduleAggregate, def: ScheduleDef, origin: string): NewEvent[] {
  const sha = definitionSha256(def);
  if (state.definitionSha256 === sha && !state.removed) return [];
  return [
    {
      type: 'ScheduleConfigured',
      data: {
        scheduleId: def.id,
        change: state.definition === null || state.removed ? 'created' : 'updated',
        definitionSha256: sha,
        definition: toDefinitionJson(redactedDefinition(def)),
        origin,
      },
    },
  ];
}

export function decideRemove(state: ScheduleAggregate, scheduleId: string, origin: string): NewEvent[] {
  if (state.definition === null || state.removed) return [];
  return [{ type: 'ScheduleRemoved', data: { scheduleId, origin } }];
}

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
      const r = await this.schedules.repo.handle(subject, (state) => ({ events: decideConfigure(state, def, origin), options }));
      if (r.appended && !r.appended.duplicate) {
        appended++;
        const e = r.appended.events[0]!;
        this.log.info(`schedule ${def.id}: configuration ${e.type === 'ScheduleConfigured' ? e.data.change : 'changed'} (seq ${r.appended.seq})`, {
          schedule: def.id,
        });
      }
    }
    for (const subject of await this.scheduleSubjects()) {
      if (wanted.has(subject)) continue;
      const id = subjects.parse(this.schedules.store.topology, subject)?.id ?? subject;
      const r = await this.schedules.repo.handle(subject, (state) => ({ events: decideRemove(state, state.definition?.id ?? id, origin), options }));
      if (r.appended && !r.appended.duplicate) {
        appended++;
        this.log.info(`schedule ${id}: no longer in the configuration; recorded as removed (seq ${r.appended.seq})`, { schedule: id });
      }
    }
    return appended;
  }

  /** Every schedule subject in the stream (stream info with a subject filter, nats-server 2.9). */
  private async scheduleSubjects(): Promise<string[]> {
    const { store } = this.schedules;
    const info = await store.jsm.streams.info(store.topology.stream, { subjects_filter: subjects.allOf(store.topology, 'schedule') });
    return Object.keys(info.state.subjects ?? {});
  }
}
