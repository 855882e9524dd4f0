import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology, subjects, SYSTEM_ACTORS, type NewEvent } from '@dozor/contracts';
import { withSpan, currentTraceparent } from '@dozor/telemetry';
import { EventStore, connectNats, ExpectedVersion, WrongExpectedVersionError, runConsumer, Outcome, commandHandler, type RecordedCommit } from './index.js';
import { NATS_URL } from '@dozor/testing';

const ev = (n: number): NewEvent => ({ type: 'AlertGroupAcknowledged', data: { alertGroupId: `g-${n}` } });
const opts = { actor: SYSTEM_ACTORS.router, source: 'system' as const };

describe('EventStore on real JetStream', () => {
  let nc: NatsConnection;
  let store: EventStore;
  const topo = topology(`t${randomBytes(4).toString('hex')}`);
  const subj = subjects.alertGroup(topo, 'aaaaaaaaaaaaaaaaaaaa');

  beforeAll(async () => {
    nc = await connectNats(NATS_URL, 'eventstore-spec');
    store = await EventStore.open(nc, { topology: topo });
  });
  afterAll(async () => {
    await store.deleteStream();
    await nc.close();
  });

  it('creates the stream idempotently', async () => {
    await EventStore.open(nc, { topology: topo });
    const info = await store.streamInfo();
    expect(info.config.subjects).toEqual([`${topo.prefix}.evt.>`]);
    expect(info.config.allow_direct).toBe(true);
  });

  it('appends with an expected version and rejects a stale one', async () => {
    const first = await store.append(subj, [ev(1)], { ...opts, expected: ExpectedVersion.noStream });
    await expect(store.append(subj, [ev(2)], { ...opts, expected: ExpectedVersion.noStream })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    const second = await store.append(subj, [ev(2), ev(3)], { ...opts, expected: ExpectedVersion.exact(first.seq) });
    await expect(store.append(subj, [ev(4)], { ...opts, expected: ExpectedVersion.exact(first.seq) })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    const commits = await store.readSubject(subj);
    expect(commits.map((c) => c.seq)).toEqual([first.seq, second.seq]);
    expect(commits[1]!.events.map((e) => (e.data as { alertGroupId: string }).alertGroupId)).toEqual(['g-2', 'g-3']);
    expect(await store.lastSeqOf(subj)).toBe(second.seq);
    expect(await store.readSubject(subj, first.seq)).toHaveLength(1);
  });

  it('reads a subject between commits on other subjects, from any point, up to its last commit', async () => {
    const s = subjects.alertGroup(topo, 'ffffffffffffffffffff');
    const other = subjects.alertGroup(topo, 'gggggggggggggggggggg');
    const seqs: number[] = [];
    for (let i = 0; i < 4; i++) {
      seqs.push((await store.append(s, [ev(i)], { ...opts, expected: ExpectedVersion.any })).seq);
      await store.append(other, [ev(100 + i)], { ...opts, expected: ExpectedVersion.any });
    }
    expect((await store.readSubject(s)).map((c) => c.seq)).toEqual(seqs);
    expect((await store.readSubject(s, seqs[1])).map((c) => c.seq)).toEqual(seqs.slice(2));
    expect(await store.readSubject(s, seqs[3])).toEqual([]);
    expect(await store.readSubject(subjects.alertGroup(topo, 'hhhhhhhhhhhhhhhhhhhh'))).toEqual([]);
    // One appended after a read is found by the next one.
    const more = await store.append(s, [ev(9)], { ...opts, expected: ExpectedVersion.exact(seqs[3]!) });
    expect((await store.readSubject(s, seqs[3])).map((c) => c.seq)).toEqual([more.seq]);
  });

  it('reads the same from every point whether the commits were appended with an expected version or without', async () => {
    const s = subjects.alertGroup(topo, 'iiiiiiiiiiiiiiiiiiii');
    const other = subjects.alertGroup(topo, 'jjjjjjjjjjjjjjjjjjjj');
    const seqs: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Unchecked (as ingest appends), then checked at the last version, two of each in turn.
      const expected = i % 4 < 2 ? ExpectedVersion.any : ExpectedVersion.exact(seqs.at(-1) ?? 0);
      seqs.push((await store.append(s, [ev(i)], { ...opts, expected })).seq);
      if (i % 3 === 0) await store.append(other, [ev(100 + i)], { ...opts, expected: ExpectedVersion.any });
    }
    for (const [i, after] of [0, ...seqs].entries()) {
      const read = await store.readSubject(s, after);
      expect(read.map((c) => c.seq)).toEqual(seqs.slice(i));
      expect(read.map((c) => (c.events[0]!.data as { alertGroupId: string }).alertGroupId)).toEqual(seqs.slice(i).map((_, j) => `g-${i + j}`));
    }
  });

  it('deduplicates by message id', async () => {
    const s = subjects.alertGroup(topo, 'bbbbbbbbbbbbbbbbbbbb');
    const a = await store.append(s, [ev(1)], { ...opts, expected: ExpectedVersion.any, msgId: 'same-body' });
    const b = await store.append(s, [ev(1)], { ...opts, expected: ExpectedVersion.any, msgId: 'same-body' });
    expect(b.duplicate).toBe(true);
    expect(b.seq).toBe(a.seq);
    expect(await store.readSubject(s)).toHaveLength(1);
  });

  it('stores the metadata envelope and the producer trace context', async () => {
    const s = subjects.alertGroup(topo, 'cccccccccccccccccccc');
    let tp: string | null = null;
    await withSpan('test', {}, async () => {
      tp = currentTraceparent();
      await store.append(s, [ev(9)], { ...opts, expected: ExpectedVersion.any, correlationId: 'corr-1' });
    });
    const [c] = await store.readSubject(s);
    const e = c!.events[0]!;
    expect(e.schemaVersion).toBe(1);
    expect(e.metadata).toMatchObject({ actor: SYSTEM_ACTORS.router, source: 'system', correlationId: 'corr-1', causationId: null });
    expect(e.metadata.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Without a started SDK the propagator still works with a non-recording span context.
    expect(typeof c!.traceparent === 'string' || c!.traceparent === null).toBe(true);
    expect(tp === null || typeof tp === 'string').toBe(true);
  });

  it('compresses a commit that would not fit one message', async () => {
    const s = subjects.alertGroup(topo, 'dddddddddddddddddddd');
    const big = 'x'.repeat(1_500_000);
    await store.append(s, [{ type: 'AlertDiscarded', data: { receiptId: 'r', reason: big } }], { ...opts, expected: ExpectedVersion.any });
    const [c] = await store.readSubject(s);
    expect((c!.events[0]!.data as { reason: string }).reason).toHaveLength(1_500_000);
  });

  it('replays in order and stops at the end', async () => {
    const seen: RecordedCommit[] = [];
    for await (const c of store.replay({ fromSeq: 1 })) seen.push(c);
    const seqs = seen.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBe(await store.lastSeq());
  });

  it('replays nothing, and returns, when the filter matches no commit', async () => {
    const at = await store.lastSeq();
    expect(at).toBeGreaterThan(0);
    const seen: RecordedCommit[] = [];
    for await (const c of store.replay({ fromSeq: 1, filter: `${topo.prefix}.evt.no-such-aggregate.>` })) seen.push(c);
    expect(seen).toEqual([]);
  });

  it('replays nothing when the filter matches only commits before fromSeq', async () => {
    const s = subjects.alertGroup(topo, 'kkkkkkkkkkkkkkkkkkkk');
    await store.append(s, [ev(1)], { ...opts, expected: ExpectedVersion.any });
    await store.append(subjects.alertGroup(topo, 'llllllllllllllllllll'), [ev(2)], { ...opts, expected: ExpectedVersion.any });
    const seen: RecordedCommit[] = [];
    for await (const c of store.replay({ fromSeq: await store.lastSeq(), filter: s })) seen.push(c);
    expect(seen).toEqual([]);
  });

  it('replays a filter whose last match lies before the end of the stream, then returns', async () => {
    const s = subjects.alertGroup(topo, 'mmmmmmmmmmmmmmmmmmmm');
    const first = await store.append(s, [ev(1)], { ...opts, expected: ExpectedVersion.any });
    await store.append(subjects.alertGroup(topo, 'nnnnnnnnnnnnnnnnnnnn'), [ev(2)], { ...opts, expected: ExpectedVersion.any });
    const seen: number[] = [];
    for await (const c of store.replay({ fromSeq: 1, filter: s })) seen.push(c.seq);
    expect(seen).toEqual([first.seq]);
  });

  it('runs a durable consumer that acks on success and redelivers after a retry', async () => {
    const s = subjects.escalation(topo, 'g-consumer');
    const seen: number[] = [];
    let failedOnce = false;
    const done = new Promise<void>((resolve) => {
      void runConsumer(store, { durable: 'spec-consumer', filter: subjects.allOf(topo, 'escalation'), concurrency: 2 }, async (c) => {
        if (!failedOnce) {
          failedOnce = true;
          return Outcome.retry('first try fails', 10);
        }
        seen.push(c.seq);
        if (seen.length === 3) resolve();
        return Outcome.done;
      }).then((r) => done.finally(() => r.stop()));
    });
    for (let i = 0; i < 3; i++) await store.append(s, [ev(i)], { ...opts, expected: ExpectedVersion.any });
    await done;
    expect(new Set(seen).size).toBe(3);
    const info = await store.consumerInfo('spec-consumer');
    expect(info.num_redelivered).toBeGreaterThanOrEqual(0);
  });

  it('keeps pending work alive past the ack wait without holding the handler slot', async () => {
    const s = subjects.escalation(topo, 'g-pending');
    const calls = new Map<number, number>();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let secondHandled!: () => void;
    const second = new Promise<void>((r) => (secondHandled = r));
    const running = await runConsumer(store, { durable: 'spec-pending', filter: s, concurrency: 1, ackWaitMs: 1000 }, async (c) => {
      calls.set(c.seq, (calls.get(c.seq) ?? 0) + 1);
      if (calls.size === 1)
        return Outcome.pending(
          'held',
          released.then(() => ({ kind: 'done' as const })),
        );
      secondHandled();
      return Outcome.done;
    });
    for (let i = 0; i < 2; i++) await store.append(s, [ev(i)], { ...opts, expected: ExpectedVersion.any });
    // The one slot is free while the first waits: the second is handled meanwhile.
    await second;
    // Three ack waits pass while the first is pending; working() keeps it from being redelivered.
    await new Promise((r) => setTimeout(r, 3500));
    release();
    await new Promise((r) => setTimeout(r, 300));
    await running.stop();
    expect([...calls.values()]).toEqual([1, 1]);
    const info = await store.consumerInfo('spec-pending');
    expect(info.num_ack_pending).toBe(0);
  });

  it('commandHandler retries a decision that lost the race', async () => {
    const s = subjects.alertGroup(topo, 'eeeeeeeeeeeeeeeeeeee');
    const count = { initialState: () => 0, evolve: (n: number) => n + 1, decide: (_c: 'count', n: number) => ({ events: [ev(n)] }) };
    const r1 = commandHandler(store, count, { maxAttempts: 20 });
    const r2 = commandHandler(store, count, { maxAttempts: 20 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? r1 : r2).handle(s, 'count', opts)));
    expect(results.map((r) => r.kind)).toEqual(Array(10).fill('appended'));
    const commits = await store.readSubject(s);
    // Every decision saw the state its append was checked against: 0, 1, 2, ...
    expect(commits.map((c) => (c.events[0]!.data as { alertGroupId: string }).alertGroupId)).toEqual(Array.from({ length: 10 }, (_, i) => `g-${i}`));
  });
});
