/** Readiness checks registered by each service; /readyz runs them all. */
export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }
  async readiness(): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> }> {
    const out: Record<string, { ok: boolean; detail?: string }> = {};
    let ok = true;
    for (const [name, check] of this.checks) {
      try {
        out[name] = await Promise.race([
          check(),
          new Promise<{ ok: boolean; detail: string }>((r) => setTimeout(() => r({ ok: false, detail: 'timeout' }), 2000).unref()),
        ]);
      } catch (e) {
        out[name] = { ok: false, detail: (e as Error).message };
      }
      ok &&= out[name]!.ok;
    }
    return { ok, checks: out };
  }
}
