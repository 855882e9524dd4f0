import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, EventStore, type Loaded } from '@dozor/eventstore';
import {
  importIcal,
  scheduleDecider,
  addedOverrides,
  swapOverrides,
  withIcalShifts,
  type IcalFeed,
  type IcalImportResult,
  type IcalUser,
  type OverrideDef,
  type ScheduleAggregate,
  type ScheduleCommand,
  type ScheduleDef,
  type ScheduleRejection,
} from '@dozor/domain';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { scheduleSubject } from './schedule-definition.js';

const DAY = 86_400_000;

/** A schedule as the scheduler serves it: its definition and what the log holds about it. */
export interface LoadedSchedule {
  id: string;
  /** The definition: the last one configured in the log, else the one in this process's config. */
  definition: ScheduleDef;
  state: ScheduleAggregate;
  version: number;
  /** The definition in this process's config, with unredacted iCal URLs (null when config no longer has it). */
  configured: ScheduleDef | null;
}

/**
 * Runs the schedule decider on schedule subjects (the folded state is cached
 * with its version; a load reads only commits appended since) and builds
 * the effective schedule: the configured definition, plus the overrides of taken
 * shift swaps and those added through the API, plus the shifts of the imported iCal feeds.
 */
@Injectable()
export class ScheduleRepository {
  readonly repo: CommandHandler<ScheduleCommand, ScheduleAggregate, ScheduleRejection>;
  private readonly parsed = new Map<string, IcalImportResult>();

  constructor(
    @Inject(EventStore) readonly store: EventStore,
    @Inject(Runtime) readonly runtime: Runtime,
    @Inject(JsonLogger) private readonly log: JsonLogger,
  ) {
    this.repo = new CommandHandler(store, scheduleDecider, { maxCached: 1000 });
  }

  /** The scheduler's clock (the shared test clock under DOZOR_TEST_CLOCK), in epoch milliseconds. */
  now(): number {
    return this.runtime.clock().getTime();
  }

  /** Schedules in this process's config, in file order. */
  configuredSchedules(): ScheduleDef[] {
    return this.runtime.config.schedules;
  }

  configuredSchedule(id: string): ScheduleDef | null {
    return this.runtime.config.schedules.find((s) => s.id === id) ?? null;
  }

  /** Users as iCal matches them: by id, by name, by e-mail. The id entry comes last so exports write ids. */
  icalUsers(): IcalUser[] {
    return this.runtime.config.users.flatMap((u) => [
      { id: u.id, username: u.name, email: u.email },
      { id: u.id, username: u.id, email: u.email },
    ]);
  }

  subject(id: string): string {
    return scheduleSubject(this.store.topology, id);
  }

  async loadState(id: string): Promise<Loaded<ScheduleAggregate>> {
    return this.repo.load(this.subject(id));
  }

  /** The schedule, or null when neither the config nor the log knows it. */
  async find(id: string): Promise<LoadedSchedule | null> {
    const configured = this.configuredSchedule(id);
    const { state, version } = await this.loadState(id);
    const fromLog = state.definition && !state.removed && state.definition.id === id ? state.definition : null;
    const definition = fromLog ?? configured;
    if (!definition) return null;
    return { id, definition, state, version, configured };
  }

  async list(): Promise<LoadedSchedule[]> {
    const out: LoadedSchedule[] = [];
    for (const s of this.configuredSchedules()) {
      const found = await this.find(s.id);
      if (found) out.push(found);
    }
    return out;
  }

  /**
   * The schedule as it applies in [fromMs, toMs): definition, swap overrides
   * and iCal feeds. Recurring iCal events are expanded over whole UTC days
   * around the window, so that nearby queries share the parsed calendar.
   */
  effective(s: LoadedSchedule, fromMs: number, toMs: number): ScheduleDef {
    const withSwaps: ScheduleDef = {
      ...s.definition,
      overrides: [...s.definition.overrides, ...(swapOverrides(s.state) as OverrideDef[]), ...(addedOverrides(s.state) as OverrideDef[])],
    };
    const from = Math.floor(fromMs / DAY) * DAY - DAY;
    const to = Math.ceil(toMs / DAY) * DAY + DAY;
    const imports: IcalImportResult[] = [];
    for (const feed of ['primary', 'overrides'] as const) {
      const r = this.imported(s, feed, from, to);
      if (r) imports.push(r);
    }
    return imports.length ? withIcalShifts(withSwaps, ...imports) : withSwaps;
  }

  private imported(s: LoadedSchedule, feed: IcalFeed, from: number, to: number): IcalImportResult | null {
    const f = s.state.feeds[feed];
    if (!f) return null;
    const key = `${s.id}\n${feed}\n${f.sha256}\n${from}\n${to}`;
    const hit = this.parsed.get(key);
    if (hit) return hit;
    let r: IcalImportResult;
    try {
      r = importIcal(f.ics, { users: this.icalUsers(), from, to, overrides: feed === 'overrides' });
    } catch (err) {
      // Imports are validated before they are appended; this is a calendar the parser now refuses.
      this.log.error(`schedule ${s.id}: cannot read the ${feed} iCal feed imported at ${f.importedAt}: ${(err as Error).message}`, 'scheduler');
      return null;
    }
    if (this.parsed.size >= 200) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(key, r);
    return r;
  }
}
