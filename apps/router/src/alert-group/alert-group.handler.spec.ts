import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type AlertReceivedData } from '@dozor/contracts';
import { parseConfig } from '@dozor/config';
import { Runtime, settingsFromEnv } from '@dozor/platform';
import { JsonLogger } from '@dozor/telemetry';
import { ExpectedVersion } from '@dozor/eventstore';
import { fixturesDir, InMemoryEventLog } from '@dozor/testing';
import { AlertGroupHandler } from './alert-group.handler.js';
import { AlertGroupRepository } from './alert-group.repository.js';
import { ReceiptRenderer } from './receipt-renderer.js';
import { RouteSelector } from './route.selector.js';

const KEY = 'aaaaaaaaaaaaaaaaaaaa';
const fixture = (name: string) => JSON.parse(readFileSync(`${fixturesDir()}/${name}`, 'utf8'));

/** The handler over an in-memory log, wired as Nest would wire it (no NATS: these handlers never touch the connection). */
function newTestService() {
  const settings = settingsFromEnv({});
  const config = parseConfig(
    `integrations:
  - id: am
    type: alertmanager
    token: token-12345
`,
    'dozor.yaml',
    {},
  );
  const runtime = new Runtime(settings, config, {} as NatsConnection, () => new Date('2030-01-01T00:00:00Z'));
  const log = new InMemoryEventLog({ topology: settings.topology });
  const handler = new AlertGroupHandler(
    new AlertGroupRepository(log),
    new ReceiptRenderer(runtime, new RouteSelector(runtime)),
    runtime,
    new JsonLogger('spec', 'error'),
  );
  const subject = subjects.alertGroup(settings.topology, KEY);
  let n = 0;
  /** Appends an AlertReceived without handing it to the handler (its delivery still to come). */
  async function appendOnly(payload: unknown) {
    const data = {
      receiptId: `r${++n}`,
      integrationId: 'am',
      integrationKind: 'alertmanager',
      groupingKey: 'g',
      aggregateKey: KEY,
      bodySha256: `sha-${n}`,
      payload,
    };
    await log.append(subject, [{ type: 'AlertReceived', data: data as AlertReceivedData }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'integration', id: 'am' },
      source: 'alertmanager',
    });
    return log.all(subject).at(-1)!;
  }
  /** Appends an AlertReceived as ingest would, then hands its commit to the handler. */
  const receive = async (payload: unknown) => handler.onAlertGroupCommit(await appendOnly(payload));
  return { log, subject, handler, receive, appendOnly };
}

describe('AlertGroupHandler', () => {
  it('an AlertReceived for a new grouping key creates a group', async () => {
    const { log, subject, receive } = newTestService();
    expect(await receive(fixture('firing-single.json'))).toEqual({ kind: 'done' });
    const types = log.eventTypes(subject);
    expect(types).toContain('AlertGroupCreated');
    expect(types).toContain('RouteAssigned');
    expect(types).toContain('AlertAdded');
  });

  it('a repeat adds an alert to the open group and creates no second one', async () => {
    const { log, subject, receive } = newTestService();
    await receive(fixture('firing-single.json'));
    await receive(fixture('firing-repeat.json'));
    const types = log.eventTypes(subject);
    expect(types.filter((t) => t === 'AlertGroupCreated')).toHaveLength(1);
    expect(types.filter((t) => t === 'AlertAdded')).toHaveLength(2);
  });

  it('a resolved payload resolves the group', async () => {
    const { log, subject, receive } = newTestService();
    await receive(fixture('firing-single.json'));
    await receive(fixture('resolved.json'));
    const resolved = log
      .all(subject)
      .flatMap((c) => c.events)
      .find((e) => e.type === 'AlertGroupResolved');
    expect(resolved?.data).toMatchObject({ by: 'source' });
  });

  it('one delivery decides every receipt pending on the subject, oldest first, and a later one on its own delivery', async () => {
    const { log, subject, handler, appendOnly } = newTestService();
    const first = await appendOnly(fixture('firing-single.json'));
    await appendOnly(fixture('firing-repeat.json'));
    expect(await handler.onAlertGroupCommit(first)).toEqual({ kind: 'done' });
    expect(log.eventTypes(subject).filter((t) => t === 'AlertAdded')).toHaveLength(2);
    // The second receipt's own delivery finds nothing left to decide.
    expect(await handler.onAlertGroupCommit(log.all(subject)[1]!)).toEqual({ kind: 'done' });
    expect(log.eventTypes(subject).filter((t) => t === 'AlertAdded')).toHaveLength(2);
    const third = await appendOnly(fixture('resolved.json'));
    expect(await handler.onAlertGroupCommit(third)).toEqual({ kind: 'done' });
    expect(log.eventTypes(subject)).toContain('AlertGroupResolved');
  });

  it('a commit with no receipt and no timer is skipped', async () => {
    const { log, subject, handler } = newTestService();
    await log.append(subject, [{ type: 'AlertGroupAcknowledged', data: { alertGroupId: `${KEY}-1`, by: 'action' } }], {
      expected: ExpectedVersion.any,
      actor: { kind: 'user', id: 'alice' },
      source: 'api',
    });
    expect(await handler.onAlertGroupCommit(log.all(subject)[0]!)).toMatchObject({ kind: 'skipped' });
    expect(log.eventTypes(subject)).toEqual(['AlertGroupAcknowledged']);
  });
});
