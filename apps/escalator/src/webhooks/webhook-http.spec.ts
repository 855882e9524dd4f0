import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowList } from '@dozor/domain';
import { sendGuarded } from './webhook-http.js';

/** The guarded client against a receiver on loopback: loopback is refused unless allow-listed, at every hop. */
describe('sendGuarded', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      if (req.url === '/to-other-loopback') {
        res.writeHead(302, { location: `http://127.0.0.2:${port}/landed` }).end();
        return;
      }
      if (req.url === '/to-self') {
        res.writeHead(303, { location: '/landed' }).end();
        return;
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const plan = (path: string, host = '127.0.0.1') => ({
    method: 'POST' as const,
    url: `http://${host}:${port}${path}`,
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });

  it('refuses loopback without the allow-list, and sends nothing', async () => {
    const before = hits.length;
    const r = await sendGuarded(plan('/x'), { allow: [], timeoutMs: 4000 });
    expect(r).toMatchObject({ kind: 'refused', error: expect.stringContaining('127.0.0.1 is a loopback address') });
    expect(hits.length).toBe(before);
  });

  it('refuses a name when any of its addresses is not allowed', async () => {
    const resolve = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '::ffff:10.0.0.1', family: 6 },
    ];
    const r = await sendGuarded(plan('/x', 'hooks.example'), { allow: parseAllowList('127.0.0.1/32'), timeoutMs: 4000, resolve });
    expect(r).toMatchObject({
      kind: 'refused',
      error: 'hooks.example: ::ffff:10.0.0.1 is a private address (not allowed for outgoing webhooks; see DOZOR_WEBHOOK_ALLOW)',
    });
  });

  it('allows a host name on the allow-list by name', async () => {
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const r = await sendGuarded(plan('/x', 'hooks.internal'), { allow: parseAllowList('hooks.internal'), timeoutMs: 4000, resolve });
    expect(r).toMatchObject({ kind: 'response', status: 200 });
  });

  it('sends to an allow-listed address and keeps the answer', async () => {
    const r = await sendGuarded(plan('/x'), { allow: parseAllowList('127.0.0.1/32'), timeoutMs: 4000 });
    expect(r).toEqual({ kind: 'response', status: 200, body: '{"ok":true}', url: `http://127.0.0.1:${port}/x` });
  });

  it('follows a redirect only to an allowed target', async () => {
    const allow = parseAllowList('127.0.0.1/32');
    expect(await sendGuarded(plan('/to-self'), { allow, timeoutMs: 4000 })).toMatchObject({
      kind: 'response',
      status: 200,
      url: expect.stringContaining('/landed'),
    });
    expect(hits).toContain('GET /landed');
    const r = await sendGuarded(plan('/to-other-loopback'), { allow, timeoutMs: 4000 });
    expect(r).toMatchObject({ kind: 'refused', error: expect.stringContaining('127.0.0.2 is a loopback address') });
  });

  it('gives up after the timeout as a network failure (retried)', async () => {
    const r = await sendGuarded(plan('/slow'), { allow: parseAllowList('127.0.0.1'), timeoutMs: 300 });
    expect(r).toMatchObject({ kind: 'network', error: 'timed out after 300 ms' });
  });
});
