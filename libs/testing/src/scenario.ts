import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scenario of the integration and e2e tests: one integration, one chain, alice (and bob) on Telegram. */
export const TOKEN = 'e2e-integration-token';
export const API_TOKEN = 'e2e-api-token';
export const ALICE_TG = 424242;
export const BOB_TG = 515151;

const user = (id: string, telegramId: number) => `  - id: ${id}\n    name: ${id}\n    telegram_user_id: "${telegramId}"\n`;

function write(dir: string, yaml: string): string {
  const file = join(dir, 'dozor.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** A config like the seed's, with a user whose Telegram id the test controls. */
export function writeConfig(dir: string, extra = ''): string {
  return write(
    dir,
    `users:
${user('alice', ALICE_TG)}integrations:
  - id: alertmanager-main-integration
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
    routes:
      - id: critical
        filter: '{{ payload.commonLabels.severity == "critical" }}'
        escalation_chain: demo-critical-escalation-chain
    default_route:
      escalation_chain: demo-critical-escalation-chain
escalation_chains:
  - id: demo-critical-escalation-chain
    steps:
      - notify_on_call_from_schedule: demo-critical-alerts-schedule
      - notify_persons: [alice]
      - wait: 1h
      - notify_persons: [alice]
${extra}`,
  );
}

/**
 * alice and bob on Telegram, one Alertmanager integration whose default route
 * escalates along one chain of `steps` (dozor.yaml lines, e.g. `wait: 1h`);
 * `extra` is appended (e.g. `schedules:`).
 */
export function writeChainConfig(dir: string, steps: string[], extra = ''): string {
  return write(
    dir,
    `users:
${user('alice', ALICE_TG)}${user('bob', BOB_TG)}integrations:
  - id: alertmanager-main-integration
    type: alertmanager
    token: \${ALERTMANAGER_INTEGRATION_TOKEN}
    default_route:
      escalation_chain: demo-critical-escalation-chain
escalation_chains:
  - id: demo-critical-escalation-chain
    steps:
${steps.map((s) => `      - ${s}\n`).join('')}${extra}`,
  );
}
