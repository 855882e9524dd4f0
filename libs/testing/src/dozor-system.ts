import { BotApiTestServer, type BotApiTestServerOptions } from './bot-api/bot-api-test-server.js';
import { childProcessEnv } from './dozor-env.js';
import { DozorProcess } from './dozor-process.js';
import { isolate, type Isolation } from './isolate.js';

/** Every service in a process of its own, the api first: it migrates the schema before the others read it. */
export const SEPARATE_SERVICES = ['api', 'ingest', 'router', 'escalator', 'telegram-notifier'] as const;

/**
 * Dozor as the whole-system specs run it: `dozor` child processes on an
 * isolation of their own, talking to the Bot API test server. `open` makes
 * the isolation and the server, so a spec can set up what the processes need
 * (a config in `iso.dir`, a test clock) before `start`. `stop` stops the
 * processes, then the server, then removes the isolation.
 */
export class DozorSystem {
  /** The running processes by target (`all`, `api`, …); a spec may replace one it restarted. */
  readonly procs = new Map<string, DozorProcess>();

  private constructor(
    readonly iso: Isolation,
    readonly telegram: BotApiTestServer,
  ) {}

  static async open(tag: string, telegram: BotApiTestServerOptions = {}): Promise<DozorSystem> {
    const iso = isolate(tag);
    return new DozorSystem(
      iso,
      await BotApiTestServer.start(telegram).catch(async (e: unknown) => {
        await iso.cleanup();
        throw e;
      }),
    );
  }

  /** The child-process environment on this isolation and server, with `extra` (DOZOR_CONFIG, the test clock). */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return childProcessEnv(this.iso, this.telegram, extra);
  }

  /** Starts `targets` on `env(extra)`: the first alone, then the rest at once. */
  async start(targets: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<void> {
    const env = this.env(extra);
    for (const t of targets) this.procs.set(t, new DozorProcess(t, env));
    const [first, ...rest] = [...this.procs.values()];
    await first?.start();
    await Promise.all(rest.map((p) => p.start()));
  }

  /** The process of `target`; throws if none was started. */
  proc(target: string): DozorProcess {
    const p = this.procs.get(target);
    if (!p) throw new Error(`no dozor process for ${target} (started: ${[...this.procs.keys()].join(', ') || 'none'})`);
    return p;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.procs.values()].map((p) => p.stop()));
    await this.telegram.stop();
    await this.iso.cleanup();
  }
}
