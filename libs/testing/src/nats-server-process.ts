import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './dozor-process.js';

export interface NatsServerOptions {
  /** Default `NATS_SERVER_BIN` or `/usr/sbin/nats-server`. */
  bin?: string;
  /** Client port; default a free one. Kept across restarts. */
  port?: number;
  /** JetStream store; default a new temp folder, removed by `stop()`. Kept across restarts. */
  storeDir?: string;
}

/**
 * A nats-server of the test's own (`-js -a 127.0.0.1 -p <port> -sd <dir>`),
 * so a test can kill -9 it and start it again on the same store without
 * touching the shared server. Ready means the monitoring endpoint's
 * `/healthz?js-enabled-only=true` answers 200, i.e. JetStream has recovered
 * its streams.
 */
export class NatsServerProcess {
  readonly output: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private ownsStore = false;
  port = 0;
  monitorPort = 0;
  storeDir = '';

  constructor(readonly options: NatsServerOptions = {}) {}

  static async start(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
    return new NatsServerProcess(options).start();
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 30_000): Promise<this> {
    if (this.running) return this;
    if (!this.port) this.port = this.options.port ?? (await freePort());
    if (!this.monitorPort) this.monitorPort = await freePort();
    if (!this.storeDir) {
      this.ownsStore = this.options.storeDir === undefined;
      this.storeDir = this.options.storeDir ?? mkdtempSync(join(tmpdir(), 'dozor-nats-'));
    }
    const bin = this.options.bin ?? process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort), '-sd', this.storeDir];
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) if (line) this.output.push(line);
      if (this.output.length > 2000) this.output.splice(0, 500);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', () => r()));
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!this.running) throw new Error(`nats-server ${args.join(' ')} exited:\n${this.tail()}`);
      try {
        const r = await fetch(`http://127.0.0.1:${this.monitorPort}/healthz?js-enabled-only=true`);
        if (r.status === 200) return this;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nats-server not ready in ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** kill -9: nothing is flushed beyond what the server already wrote. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Starts again on the same port and store. */
  async restart(): Promise<this> {
    await this.kill9();
    return this.start();
  }

  /** Stops the server and removes the store if this object created it. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child!.kill('SIGTERM');
      const t = setTimeout(() => this.child?.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(t);
    }
    if (this.ownsStore && this.storeDir) rmSync(this.storeDir, { recursive: true, force: true });
  }

  tail(n = 30): string {
    return this.output.slice(-n).join('\n');
  }
}
