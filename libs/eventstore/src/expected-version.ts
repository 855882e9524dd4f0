/**
 * What the appender believes about the subject it appends to. A value, not a
 * boolean: "no stream yet", "exactly at N", or "don't care" (facts from
 * outside, such as AlertReceived, which never conflict).
 */
export type ExpectedVersion = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'exact'; seq: number };

export const ExpectedVersion = {
  any: { kind: 'any' } as ExpectedVersion,
  noStream: { kind: 'no_stream' } as ExpectedVersion,
  exact: (seq: number): ExpectedVersion => (seq === 0 ? { kind: 'no_stream' } : { kind: 'exact', seq }),
};

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly subject: string,
    readonly expected: ExpectedVersion,
  ) {
    super(`wrong expected version for ${subject}: expected ${expected.kind === 'exact' ? expected.seq : expected.kind}`);
  }
}

/** The event log cannot be reached or refused the write for a reason other than a version conflict. */
export class EventStoreUnavailableError extends Error {}
