import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { subjects } from '@dozor/contracts';
import type { DozorConfig } from '@dozor/config';
import { evolvePersonalRules, effectiveRules, initialPersonalRulesState, type PersonalPolicies, type PersonalRulesState } from '@dozor/domain';
import { EventStore } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';

/**
 * The personal notification rules the escalator pages with: dozor.yaml's,
 * with the lists changed over the API (PersonalNotificationRulesChanged on
 * `evt.user.<id>`) in their place. Kept in memory from a replay of the user
 * subjects that follows the log, so paging reads no subject; a change reaches
 * every replica within a round trip of its append.
 */
@Injectable()
export class PersonalRulesSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logged = new Map<string, PersonalRulesState>();
  private merged: { config: DozorConfig; policies: PersonalPolicies } | null = null;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly runtime: Runtime,
    private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  private async follow(): Promise<void> {
    const filter = subjects.allOf(this.store.topology, 'user');
    while (!this.abort.signal.aborted) {
      try {
        for await (const c of this.store.replay({ filter, follow: true, signal: this.abort.signal })) {
          for (const e of c.events) {
            if (e.type !== 'PersonalNotificationRulesChanged') continue;
            this.logged.set(e.data.userId, evolvePersonalRules(this.logged.get(e.data.userId) ?? initialPersonalRulesState(), e));
            this.merged = null;
          }
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.log.warn(`following personal notification rules: ${(err as Error).message}; starting again`, 'escalator');
        this.logged.clear();
        this.merged = null;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Every user's policy: the log's lists over dozor.yaml's. */
  policies(): PersonalPolicies {
    const config = this.runtime.config;
    if (this.merged?.config === config) return this.merged.policies;
    const policies: PersonalPolicies = {};
    for (const u of config.users) {
      const logged = this.logged.get(u.id);
      if (!u.personalRules && !logged) continue;
      policies[u.id] = {
        default: effectiveRules(u.personalRules?.default, logged?.default ?? null),
        important: effectiveRules(u.personalRules?.important, logged?.important ?? null),
      };
    }
    this.merged = { config, policies };
    return policies;
  }
}
