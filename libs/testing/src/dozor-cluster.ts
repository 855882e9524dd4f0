import { DozorProcess } from './dozor-process.js';

/** What happened to a replica, on the test's wall clock. */
export interface ClusterEvent {
  atMs: number;
  /** `kill`: kill -9 by the test; `exit`: the process ended on its own; `restart`: ready again. */
  kind: 'kill' | 'exit' | 'restart';
  name: string;
  target: string;
}

export interface ClusterOptions {
  /** Start this target first (the api migrates the schema), then the others, one by one. Default `api`. */
  first?: string;
  /**
   * Restart a replica that exits on its own after `restartAfterMs`, as an
   * orchestrator would, and record it as an `exit` event. Default true.
   */
  supervise?: boolean;
  restartAfterMs?: number;
}

/**
 * Dozor as a deployment: every replica of every target in its own process
 * (`dozor --target=<t>`). A test kills one replica with kill -9 and starts it
 * again, and reads `events` to say which crash came when. A restarted replica
 * listens on a new free port (holding the old one unbound while it is down
 * would let another test's process take it), so clients read `urls()` again
 * for each request, as they would re-resolve a service.
 */
export class DozorCluster {
  readonly events: ClusterEvent[] = [];
  private readonly procs = new Map<string, DozorProcess>();
  private readonly killed = new Set<string>();
  private readonly earlierOutput = new Map<string, string[]>();
  private supervisor: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    readonly env: NodeJS.ProcessEnv,
    /** Replicas per target, e.g. `{ api: 1, ingest: 2, router: 2 }`. */
    readonly replicas: Record<string, number>,
    readonly options: ClusterOptions = {},
  ) {}

  /** Replica names: `<target>#<n>`, n from 0. */
  names(target?: string): string[] {
    const out: string[] = [];
    for (const [t, n] of Object.entries(this.replicas)) if (target === undefined || t === target) for (let i = 0; i < n; i++) out.push(`${t}#${i}`);
    return out;
  }

  /** Base URLs of a target's replicas now (a replica down or starting keeps its last URL). */
  urls(target: string): string[] {
    return this.names(target).map((n) => this.proc(n).url);
  }

  proc(name: string): DozorProcess {
    const p = this.procs.get(name);
    if (!p) throw new Error(`no replica ${name}; replicas: ${[...this.procs.keys()].join(', ')}`);
    return p;
  }

  async start(): Promise<this> {
    const first = this.options.first ?? 'api';
    const firsts = this.names(first);
    // One at a time: a dozen Node processes booting at once starve every other test on a small machine.
    for (const n of [...firsts, ...this.names().filter((x) => !firsts.includes(x))]) await this.launch(n);
    if (this.options.supervise ?? true) this.supervisor = setInterval(() => void this.supervise(), 250);
    return this;
  }

  /** kill -9 one replica: no shutdown hooks run. */
  async kill9(name: string): Promise<void> {
    this.killed.add(name);
    this.event('kill', name);
    await this.proc(name).kill9();
  }

  /** Starts a replica again and waits until it is ready. */
  async restart(name: string): Promise<void> {
    const old = this.proc(name);
    if (old.running) await old.kill9();
    await this.launch(name);
    this.killed.delete(name);
    this.event('restart', name);
  }

  /** kill -9, down for `downMs`, then started again. */
  async crash(name: string, downMs = 500): Promise<void> {
    await this.kill9(name);
    await new Promise((r) => setTimeout(r, downMs));
    await this.restart(name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.supervisor) clearInterval(this.supervisor);
    await Promise.all([...this.procs.values()].map((p) => p.stop()));
  }

  /** The last lines of every replica (this incarnation and the ones before), for failure messages. */
  dump(lines = 15): string {
    return [...this.procs.entries()].map(([n, p]) => `--- ${n}\n${[...(this.earlierOutput.get(n) ?? []), ...p.output].slice(-lines).join('\n')}`).join('\n');
  }

  private async launch(name: string): Promise<void> {
    const target = name.slice(0, name.indexOf('#'));
    const old = this.procs.get(name);
    if (old) this.earlierOutput.set(name, [...(this.earlierOutput.get(name) ?? []), ...old.output, '--- restarted'].slice(-200));
    const p = new DozorProcess(target, this.env, name);
    p.url = old?.url ?? '';
    this.procs.set(name, p);
    await p.start(120_000);
  }

  private async supervise(): Promise<void> {
    for (const [name, p] of this.procs) {
      if (this.stopping || p.running || this.killed.has(name)) continue;
      this.killed.add(name);
      this.event('exit', name);
      await new Promise((r) => setTimeout(r, this.options.restartAfterMs ?? 500));
      if (this.stopping) return;
      await this.restart(name).catch(() => this.killed.delete(name));
    }
  }

  private event(kind: ClusterEvent['kind'], name: string): void {
    this.events.push({ atMs: Date.now(), kind, name, target: name.slice(0, name.indexOf('#')) });
  }
}
