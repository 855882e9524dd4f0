import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTORS, type NewEvent } from '@dozor/contracts';
import { InMemoryEventLog } from '@dozor/testing';
import { commandHandler } from './command.handler.js';

const ev = (n: number): NewEvent => ({ type: 'AlertGroupAcknowledged', data: { alertGroupId: `g-${n}` } });
const opts = { actor: SYSTEM_ACTORS.router, source: 'system' as const };
const SUBJECT = 'spec.evt.alert-group.aaaaaaaaaaaaaaaaaaaa';

/** A counter: `count` appends the count so far; `ack` is refused while nothing was counted. */
const counter = {
  initialState: () => 0,
  evolve: (n: number) => n + 1,
  decide: (c: 'count' | 'ack', n: number) => (c === 'ack' && n === 0 ? { rejected: 'nothing to ack' } : { events: [ev(n)] }),
};

/** The in-memory log, counting the reads. */
function countingLog() {
  const log = new InMemoryEventLog();
  let reads = 0;
  const readSubject = log.readSubject.bind(log);
  log.readSubject = (subject, afterSeq) => {
    reads++;
    return readSubject(subject, afterSeq);
  };
  return { log, reads: () => reads };
}

const counts = (log: InMemoryEventLog) => log.all(SUBJECT).map((c) => (c.events[0]!.data as { alertGroupId: string }).alertGroupId);

describe('CommandHandler, optimistic', () => {
  it('appends without a read while its cache is current', async () => {
    const { log, reads } = countingLog();
    const h = commandHandler(log, counter, { optimistic: true });
    expect((await h.handle(SUBJECT, 'count', opts)).kind).toBe('appended');
    expect((await h.handle(SUBJECT, 'count', opts)).kind).toBe('appended');
    expect(reads()).toBe(0);
    expect(counts(log)).toEqual(['g-0', 'g-1']);
  });

  it('decides again on the log when another writer appended since: the stale decision is refused by the expected version', async () => {
    const { log } = countingLog();
    const h = commandHandler(log, counter, { optimistic: true });
    const other = commandHandler(log, counter);
    await h.handle(SUBJECT, 'count', opts);
    await other.handle(SUBJECT, 'count', opts);
    await other.handle(SUBJECT, 'count', opts);
    const r = await h.handle(SUBJECT, 'count', opts);
    expect(r).toMatchObject({ kind: 'appended', state: 4 });
    expect(counts(log)).toEqual(['g-0', 'g-1', 'g-2', 'g-3']);
  });

  it('takes a rejection or a decision to append nothing only on what the log holds, never on the cache alone', async () => {
    const { log, reads } = countingLog();
    const h = commandHandler(log, counter, { optimistic: true });
    await commandHandler(log, counter).handle(SUBJECT, 'count', opts);
    // Not cached here: the initial state would refuse; the log says there is something to ack.
    expect(await h.handle(SUBJECT, 'ack', opts)).toMatchObject({ kind: 'appended', state: 2 });
    expect(reads()).toBeGreaterThan(1);
    const before = reads();
    expect(await h.handle(SUBJECT, () => null, opts)).toMatchObject({ kind: 'unchanged', state: 2 });
    expect(reads()).toBe(before + 1);
    expect(await h.handle('spec.evt.alert-group.bbbbbbbbbbbbbbbbbbbb', 'ack', opts)).toMatchObject({ kind: 'rejected', rejection: 'nothing to ack' });
  });

  it('without the option, reads before every decision', async () => {
    const { log, reads } = countingLog();
    const h = commandHandler(log, counter);
    await h.handle(SUBJECT, 'count', opts);
    await h.handle(SUBJECT, 'count', opts);
    expect(reads()).toBe(2);
  });
});
