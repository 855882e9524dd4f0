import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SYSTEM_ACTORS } from '@dozor/contracts';
import { importIcal, type IcalFeed, type ScheduleDef } from '@dozor/domain';
import { JsonLogger } from '@dozor/telemetry';
import { ScheduleRepository } from '../schedule/schedule.repository.js';
import { redactUrl, sha256Hex } from '../schedule/schedule-definition.js';

/** Longest calendar accepted. A commit must also fit the log's message limit (gzip helps, about 10:1 for iCal). */
const MAX_ICS_BYTES = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

export interface FeedSpec {
  scheduleId: string;
  feed: IcalFeed;
  url: string | null;
  file: string | null;
  refreshMs: number;
}

export type RefreshResult = 'imported' | 'unchanged' | 'failed';

export function feedSpecs(schedules: readonly ScheduleDef[], configFile: string): FeedSpec[] {
  const base = dirname(resolve(configFile));
  const out: FeedSpec[] = [];
  for (const s of schedules) {
    const src = s.ical;
    if (!src) continue;
    const refreshMs = src.refreshSeconds * 1000;
    const file = (f: string | null) => (f ? resolve(base, f) : null);
    if (src.url || src.file) out.push({ scheduleId: s.id, feed: 'primary', url: src.url, file: file(src.file), refreshMs });
    if (src.overridesUrl || src.overridesFile)
      out.push({ scheduleId: s.id, feed: 'overrides', url: src.overridesUrl, file: file(src.overridesFile), refreshMs });
  }
  return out;
}

/**
 * Imports the iCal feeds of the configured schedules (`ical_url`/`ical_file`,
 * and the overrides feeds) into the log: a `ScheduleIcalImported` with the
 * calendar's text whenever its content changes. Every replica reads the
 * calendar from the log, so replicas agree on it. Files are read at start,
 * before the service answers; URLs in the background; both again every
 * `ical_refresh_interval`. A fetch or parse failure is logged and changes
 * nothing: the last good import stays in effect. Replicas that fetch the same
 * content append it once (expected version, then the same sha256 is found).
 */
@Injectable()
export class IcalFeeds implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(JsonLogger) private readonly log: JsonLogger,
  ) {}

  specs(): FeedSpec[] {
    return feedSpecs(this.schedules.configuredSchedules(), this.schedules.runtime.config.file);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const spec of this.specs()) {
      if (spec.url) this.schedule(spec, 0);
      else {
        await this.refresh(spec);
        this.schedule(spec, spec.refreshMs);
      }
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(spec: FeedSpec, delayMs: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.refresh(spec).finally(() => this.schedule(spec, spec.refreshMs));
    }, delayMs);
    t.unref();
    this.timers.add(t);
  }

  /** Fetches every feed (of one schedule, when given) once now. */
  async refreshAll(scheduleId?: string): Promise<RefreshResult[]> {
    const out: RefreshResult[] = [];
    for (const spec of this.specs()) if (scheduleId === undefined || spec.scheduleId === scheduleId) out.push(await this.refresh(spec));
    return out;
  }

  async refresh(spec: FeedSpec): Promise<RefreshResult> {
    const origin = spec.url ? redactUrl(spec.url)! : spec.file!;
    const what = `schedule ${spec.scheduleId}: ${spec.feed} iCal feed ${origin}`;
    let ics: string;
    try {
      ics = spec.url ? await fetchCalendar(spec.url) : await readFile(spec.file!, 'utf8');
      if (Buffer.byteLength(ics, 'utf8') > MAX_ICS_BYTES) throw new Error(`larger than ${MAX_ICS_BYTES} bytes`);
      const now = this.schedules.now();
      const check = importIcal(ics, { users: this.schedules.icalUsers(), from: now, to: now + 86_400_000, overrides: spec.feed === 'overrides' });
      for (const w of check.warnings) this.log.warn(`${what}: ${w}`, 'scheduler');
      for (const u of check.unmatched)
        this.log.warn(`${what}: event ${u.uid} at ${u.start} names no known user (${u.names.join(', ')}); the shift is kept with nobody on call`, 'scheduler');
    } catch (err) {
      this.log.warn(`${what}: cannot be fetched or read, keeping the last good import: ${(err as Error).message}`, 'scheduler');
      return 'failed';
    }
    const sha = sha256Hex(ics);
    try {
      const r = await this.schedules.repo.handle(
        this.schedules.subject(spec.scheduleId),
        { type: 'ImportIcalFeed', scheduleId: spec.scheduleId, feed: spec.feed, origin, ics, sha256: sha },
        { actor: SYSTEM_ACTORS.scheduler, source: 'system' },
      );
      if (r.kind === 'conflict') throw new Error(`its subject kept changing (${r.attempts} attempts)`);
      if (r.kind !== 'appended' || r.duplicate) return 'unchanged';
      this.log.info(`${what}: imported new content (sha256 ${sha.slice(0, 12)}, seq ${r.version})`, { schedule: spec.scheduleId });
      return 'imported';
    } catch (err) {
      this.log.error(`${what}: could not record the import, keeping the last good one: ${(err as Error).message}`, 'scheduler');
      return 'failed';
    }
  }
}

async function fetchCalendar(url: string): Promise<string> {
  const target = url.replace(/^webcal:/i, 'https:');
  const r = await fetch(target, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'text/calendar, */*;q=0.5' }, redirect: 'follow' });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  const len = Number(r.headers.get('content-length') ?? 0);
  if (len > MAX_ICS_BYTES) throw new Error(`larger than ${MAX_ICS_BYTES} bytes`);
  return r.text();
}
