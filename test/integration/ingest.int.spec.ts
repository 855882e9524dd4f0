import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type RunningDozor } from '@dozor/platform';
import { ingestService } from '@dozor/ingest';
import { inProcessEnv, isolate, type Isolation, listFixtures, loadFixture, TOKEN, writeConfig } from '@dozor/testing';

/** Ingest on its own, in this process, against the real NATS. */
describe('ingest', () => {
  let iso: Isolation;
  let dozor: RunningDozor;
  const url = () => `${dozor.url}/integrations/v1/alertmanager/${TOKEN}/`;
  const post = (body: string | Buffer | undefined, contentType: string | null = 'application/json', token = TOKEN) =>
    fetch(`${dozor.url}/integrations/v1/alertmanager/${token}/`, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });

  beforeAll(async () => {
    iso = isolate('ing');
    dozor = await bootstrap([ingestService], { env: inProcessEnv(iso, { DOZOR_CONFIG: writeConfig(iso.dir), ALERTMANAGER_INTEGRATION_TOKEN: TOKEN }) });
  });
  afterAll(async () => {
    await dozor?.close();
    await iso?.cleanup();
  });

  const valid = loadFixture('firing-single.json');
  const cases: { name: string; send: () => Promise<Response>; status: number; message: RegExp }[] = [
    { name: 'malformed JSON', send: () => post('{"receiver": "x", "alerts": ['), status: 400, message: /JSON/i },
    { name: 'missing alerts', send: () => post(JSON.stringify({ ...valid.json, alerts: undefined })), status: 400, message: /alerts: is required/ },
    {
      name: 'alerts of the wrong type',
      send: () => post(JSON.stringify({ ...valid.json, alerts: 'many' })),
      status: 400,
      message: /alerts: must be an array, got string/,
    },
    {
      name: 'a label of the wrong type',
      send: () => post(JSON.stringify({ ...valid.json, alerts: [{ ...valid.json.alerts[0], labels: { severity: 3 } }] })),
      status: 400,
      message: /alerts\[0\]\.labels\.severity: must be a string/,
    },
    {
      name: 'a bad timestamp',
      send: () => post(JSON.stringify({ ...valid.json, alerts: [{ ...valid.json.alerts[0], startsAt: 'yesterday' }] })),
      status: 400,
      message: /alerts\[0\]\.startsAt: must be an RFC 3339 timestamp/,
    },
    { name: 'a 2 MiB body', send: () => post(JSON.stringify({ ...valid.json, pad: 'x'.repeat(2 * 1024 * 1024) })), status: 413, message: /too large/i },
    { name: 'an unknown token', send: () => post(valid.body, 'application/json', 'not-a-token-of-ours'), status: 403, message: /unknown integration token/ },
    { name: 'an empty body', send: () => post(''), status: 400, message: /empty/i },
    { name: 'an empty body without content type', send: () => post(undefined, null), status: 400, message: /empty/i },
    { name: 'a non-JSON content type', send: () => post('receiver=x', 'application/x-www-form-urlencoded'), status: 415, message: /application\/json/ },
    { name: 'a JSON array', send: () => post('[1,2]'), status: 400, message: /body: must be a JSON object, got array/ },
  ];

  it.each(cases)('rejects $name with a clear message and appends nothing', async ({ send, status, message }) => {
    const before = await dozor.store.lastSeq();
    const r = await send();
    expect(r.status).toBe(status);
    const text = await r.text();
    expect(text).toMatch(message);
    expect(await dozor.store.lastSeq()).toBe(before);
  });

  it('accepts every captured Alertmanager and vmalert payload', async () => {
    for (const name of listFixtures().filter((n) => n !== 'headers.json')) {
      const f = loadFixture(name);
      const r = await post(f.body);
      expect(r.status, `${name}: ${await r.clone().text()}`).toBe(200);
    }
  });

  it('stores an identical retry once', async () => {
    const body = loadFixture('firing-two-alerts.json').body.replace('oncall-webhook', 'retry-receiver');
    const a = await (await post(body)).json();
    const seq = await dozor.store.lastSeq();
    const b = await (await post(body)).json();
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(true);
    expect(await dozor.store.lastSeq()).toBe(seq);
  });

  it('answers 503, so Alertmanager retries, when the event log refuses the append', async () => {
    await dozor.store.deleteStream();
    try {
      const r = await post(loadFixture('firing-job-instance.json').body);
      expect(r.status).toBe(503);
      expect(await r.text()).toMatch(/event log is unavailable/);
    } finally {
      await dozor.store.ensureStream();
    }
  });

  describe('an over-limit body is answered 413, never with a reset (a reset is retried forever)', () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');

    /**
     * Writes headers, then the body in pieces as over a slower link, on a
     * plain socket; reads the answer after the upload, as a client that does
     * not read while it writes. Returns the status.
     */
    const rawPost = (body: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port, pathname } = new URL(url());
        const socket = connect(Number(port), hostname);
        let answer = '';
        socket.on('data', (chunk) => {
          answer += chunk.toString('latin1');
          const head = answer.indexOf('\r\n\r\n');
          if (head < 0) return;
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(answer.slice(0, head))?.[1] ?? 0);
          if (answer.length - head - 4 < length) return;
          socket.end();
          resolve(Number(answer.split(' ')[1]));
        });
        socket.on('error', reject);
        socket.on('close', () => reject(new Error(`closed before a whole answer: ${JSON.stringify(answer.slice(0, 80))}`)));
        socket.write(`POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
        socket.pause();
        const piece = 256 * 1024;
        const upload = async () => {
          for (let at = 0; at < body.length && !socket.destroyed; at += piece) {
            await new Promise<void>((done) => socket.write(body.subarray(at, at + piece), () => done()));
            await new Promise((r) => setTimeout(r, 2));
          }
          socket.resume();
        };
        void upload();
      });

    it('over raw sockets', async () => {
      const before = await dozor.store.lastSeq();
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) outcomes.push(await rawPost(big).then(String, (e: NodeJS.ErrnoException) => e.code ?? e.message));
      expect(outcomes).toEqual(Array(30).fill('413'));
      expect(await dozor.store.lastSeq()).toBe(before);
    });

    it('over fetch, with the reason in the answer', async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) {
        outcomes.push(
          await post(big).then(
            async (r) => `${r.status} ${(await r.json()).detail}`,
            (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
          ),
        );
      }
      expect(outcomes).toEqual(Array(30).fill(`413 request body is too large: ${big.length} bytes, the limit is 1048576 (DOZOR_INGEST_BODY_LIMIT)`));
    });

    it('refuses a body over twice the limit at once, and keeps the connection for one within it', async () => {
      const huge = await rawPost(Buffer.alloc(3 * 1024 * 1024, 'x')).then(String, (e: NodeJS.ErrnoException) => e.code ?? 'closed');
      expect(['413', 'ECONNRESET', 'EPIPE', 'closed']).toContain(huge);
      expect((await post(valid.body)).status).toBe(200);
    });
  });

  it('serves metrics, liveness and readiness', async () => {
    expect((await fetch(`${dozor.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${dozor.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { nats: { ok: true }, jetstream: { ok: true } } });
    const m = await (await fetch(`${dozor.url}/metrics`)).text();
    expect(m).toMatch(/dozor_http_requests_total\{route="\/integrations\/v1\/alertmanager\/:token\/",status="200"\}/);
    void url;
  });
});
