import type { NatsConnection } from '@nats-io/transport-node';
import type { DozorConfig } from '@dozor/config';
import type { Settings } from './settings.js';

/** What every service in the process shares: settings, the loaded config, the clock. Provided globally. */
export class Runtime {
  constructor(
    readonly settings: Settings,
    readonly config: DozorConfig,
    readonly nc: NatsConnection,
    readonly clock: () => Date = () => new Date(),
  ) {}

  now(): string {
    return this.clock().toISOString();
  }
}
