import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { findRepoRoot } from './fixtures.js';

/**
 * A port nothing listens on, drawn from below the kernel's ephemeral range
 * (32768–60999 here): a port the kernel hands out for `listen(0)` is also one
 * it hands to outgoing connections, so between our probe and the child's
 * listen a client socket could take it (CI saw EADDRINUSE that way).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found in 20000–31999 after 50 tries');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/**
 * Dozor started as a user starts it: `node apps/dozor/dist/main.js --target=…`
 * in its own process (built by `npm test` first). Output is kept for failure
 * messages.
 */
export class DozorProcess {
  readonly output: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> | null = null;
  url = '';

  constructor(
    readonly target: string,
    readonly env: NodeJS.ProcessEnv,
    readonly name = target,
  ) {}

  async start(timeoutMs = 60_000): Promise<this> {
    const fixed = Number(this.env.PORT) || 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOn(fixed || (await freePort()), timeoutMs);
      } catch (e) {
        // Another process took the port between the probe and the listen: try another one.
        if (fixed || attempt >= 3 || !/EADDRINUSE/.test(String(e))) throw e;
        this.output.push(`(port taken before dozor ${this.name} could listen; starting again on another port)`);
      }
    }
  }

  private async startOn(port: number, timeoutMs: number): Promise<this> {
    this.url = `http://127.0.0.1:${port}`;
    const root = findRepoRoot();
    this.child = spawn(process.execPath, [join(root, 'apps/dozor/dist/main.js'), `--target=${this.target}`], {
      cwd: root,
      env: { ...this.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) if (line) this.output.push(line);
      if (this.output.length > 5000) this.output.splice(0, 1000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((r) => this.child!.once('exit', (code) => r(code)));
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.child.exitCode !== null) throw new Error(`dozor ${this.name} exited with ${this.child.exitCode}:\n${this.tail()}`);
      try {
        const r = await fetch(`${this.url}/readyz`);
        if (r.status === 200) return this;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`dozor ${this.name} not ready in ${timeoutMs} ms:\n${this.tail()}`);
  }

  tail(n = 40): string {
    return this.output.slice(-n).join('\n');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True from spawn until the process exits, whatever ended it. */
  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9: no shutdown hooks run. */
  async kill9(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
}
