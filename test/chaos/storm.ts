import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The storm of the chaos test: N alert groups over U users, each group with
 * its own groupKey and a title (`Chaos0042`) that every Telegram message
 * about it shows, so a message, or a bundle listing several groups, can be
 * traced back to its groups from the Bot API server's log alone.
 */
export const TOKEN = 'chaos-integration-token';
export const INTEGRATION = 'chaos-alertmanager';
/** Private chat ids are the users' Telegram ids. */
export const TELEGRAM_BASE = 7_100_000;

export interface StormGroup {
  index: number;
  /** The alertname, also the group's title: `Chaos0042`. */
  name: string;
  user: string;
  chatId: number;
  /** Byte-identical on every retry, as Alertmanager re-sends a notification. */
  firing: string;
  resolved: string;
}

export const userId = (u: number) => `u${String(u).padStart(2, '0')}`;

/** Group tokens (`Chaos0042`) a message text names. */
export function groupNames(text: string): string[] {
  return [...new Set(text.match(/\bChaos\d{4}\b/g) ?? [])];
}

export function stormGroups(count: number, users: number): StormGroup[] {
  const startsAt = '2026-12-03T06:00:00.000Z';
  return Array.from({ length: count }, (_, index) => {
    const name = `Chaos${String(index).padStart(4, '0')}`;
    const u = index % users;
    const labels = { alertname: name, severity: 'critical', chaos_user: userId(u) };
    const body = (status: 'firing' | 'resolved') =>
      JSON.stringify({
        receiver: 'dozor',
        status,
        alerts: [
          {
            status,
            labels,
            annotations: { summary: `${name} for ${userId(u)}` },
            startsAt,
            endsAt: status === 'resolved' ? '2026-12-03T06:30:00.000Z' : '0001-01-01T00:00:00Z',
            generatorURL: `http://prometheus.local/graph?g0.expr=${name}`,
            fingerprint: (0x1000000 + index).toString(16),
          },
        ],
        groupLabels: { alertname: name },
        commonLabels: labels,
        commonAnnotations: { summary: `${name} for ${userId(u)}` },
        externalURL: 'http://alertmanager.local',
        version: '4',
        groupKey: `{}:{alertname="${name}"}`,
        truncatedAlerts: 0,
      });
    return { index, name, user: userId(u), chatId: TELEGRAM_BASE + u, firing: body('firing'), resolved: body('resolved') };
  });
}

/**
 * One route per user. Even users are paged through the on-call of their own
 * schedule and then directly (the same run of steps sends one message, and the
 * direct step still pages while the scheduler is down); odd users directly.
 * No wait comes first.
 */
export function writeStormConfig(dir: string, users: number): string {
  const ids = Array.from({ length: users }, (_, u) => userId(u));
  const lines: string[] = ['users:'];
  ids.forEach((id, u) => lines.push(`  - id: ${id}`, `    name: ${id}`, `    telegram_user_id: "${TELEGRAM_BASE + u}"`));
  lines.push('integrations:', `  - id: ${INTEGRATION}`, '    type: alertmanager', '    token: ${ALERTMANAGER_INTEGRATION_TOKEN}', '    routes:');
  for (const id of ids) lines.push(`      - id: route-${id}`, `        labels: ['chaos_user="${id}"']`, `        escalation_chain: chain-${id}`);
  lines.push('    default_route:', `      escalation_chain: chain-${ids[0]}`, 'escalation_chains:');
  ids.forEach((id, u) => {
    lines.push(`  - id: chain-${id}`, '    steps:');
    if (u % 2 === 0) lines.push(`      - notify_on_call_from_schedule: schedule-${id}`);
    lines.push(`      - notify_persons: [${id}]`, '      - wait: 1h', `      - notify_persons: [${id}]`);
  });
  lines.push('schedules:');
  ids.forEach((id, u) => {
    if (u % 2 !== 0) return;
    lines.push(
      `  - id: schedule-${id}`,
      `    name: ${id} always`,
      '    time_zone: UTC',
      '    rotations:',
      '      - id: always',
      '        type: rolling_users',
      '        frequency: daily',
      "        start: '2024-01-01T00:00:00'",
      '        duration: 1d',
      `        rolling_users: [[${id}]]`,
    );
  });
  const file = join(dir, 'dozor.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface Delivery {
  /** Accepted (2xx) on this attempt, 1-based; 0: never accepted. */
  attempts: number;
  acceptedAtMs: number | null;
  /** Answers before acceptance: HTTP status, or `network`. */
  failures: string[];
}

/**
 * Posts webhooks as Alertmanager does: the same body again on a 5xx or a
 * network error, after a short backoff, here also to the next ingest replica
 * (round robin over the URLs). A 4xx is not retried (Alertmanager drops it).
 */
export class AlertmanagerClient {
  private next = 0;

  constructor(
    /** Read before each attempt: replicas move when they restart. */
    readonly urls: () => string[],
    readonly giveUpAfterMs = 180_000,
  ) {}

  async post(body: string): Promise<Delivery> {
    const d: Delivery = { attempts: 0, acceptedAtMs: null, failures: [] };
    const end = Date.now() + this.giveUpAfterMs;
    for (let attempt = 1; Date.now() < end; attempt++) {
      const urls = this.urls();
      const url = urls[this.next++ % urls.length]!;
      let outcome: string;
      try {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.27.0' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await r.arrayBuffer();
        if (r.status >= 200 && r.status < 300) return { ...d, attempts: attempt, acceptedAtMs: Date.now() };
        if (r.status < 500) return { ...d, failures: [...d.failures, String(r.status)] };
        outcome = String(r.status);
      } catch {
        outcome = 'network';
      }
      d.failures.push(outcome);
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
    }
    return d;
  }

  /** Posts every body, `concurrency` at a time. */
  async postAll(bodies: string[], concurrency = 8): Promise<Delivery[]> {
    const out: Delivery[] = new Array(bodies.length);
    let i = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let k = i++; k < bodies.length; k = i++) out[k] = await this.post(bodies[k]!);
      }),
    );
    return out;
  }
}
