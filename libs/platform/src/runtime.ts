import type { NatsConnection } from '@nats-io/transport-node';
import type { DozorConfig } from '@dozor/config';
import type { Settings } from './settings.js';
import type { SharedClock } from './test-clock.js';

/** What every service in the process shares: settings, the loaded config, the clock. Provided globally. */
export class Runtime {
  constructor(
    readonly settings: Settings,
    readonly config: DozorConfig,
    readonly nc: NatsConnection,
    readonly clock: () => Date = () => new Date(),
    private readonly shared: SharedClock | null = null,
  ) {}

  /** Calls `listener` when the clock jumps forward: only the test clock does (DOZOR_TEST_CLOCK). */
  onClockJump(listener: () => void): void {
    this.shared?.onJump(listener);
  }

  now(): string {
    return this.clock().toISOString();
  }
}
