import { expect } from 'vitest';

/**
 * Given / when / then for deciders:
 *   spec.given([events]).when(command).then([events])
 *   ... .thenRejected('invalid_transition') / .thenNothingHappened()
 * Events are compared on type and data; metadata is the store's business.
 */
export interface DeciderLike<C, E, S, D> {
  decide(command: C, state: S): D;
  evolve(state: S, event: E): S;
  initialState(): S;
}

type Decided<NE> = { events: NE[] } | { rejected: { code: string; message: string } };

export function deciderSpec<C, E, S, NE>(decider: DeciderLike<C, E, S, Decided<NE>>, toEvent: (e: NE) => E) {
  return {
    given(history: NE[]) {
      return {
        when(command: C) {
          const state = history.map(toEvent).reduce((s, e) => decider.evolve(s, e), decider.initialState());
          const result = decider.decide(command, state);
          return {
            result,
            state,
            then(expected: Partial<NE>[] | ((events: NE[]) => void)) {
              if ('rejected' in result) throw new Error(`expected events, got rejection ${result.rejected.code}: ${result.rejected.message}`);
              if (typeof expected === 'function') expected(result.events);
              else expect(result.events).toMatchObject(expected);
              return result.events;
            },
            thenRejected(code: string, message?: RegExp) {
              if (!('rejected' in result)) throw new Error(`expected rejection ${code}, got ${JSON.stringify(result.events)}`);
              expect(result.rejected.code).toBe(code);
              if (message) expect(result.rejected.message).toMatch(message);
            },
            thenNothingHappened() {
              if ('rejected' in result) throw new Error(`expected no events, got rejection ${result.rejected.code}`);
              expect(result.events).toEqual([]);
            },
          };
        },
      };
    },
  };
}

/**
 * Turns `{ type, data }` into a recorded-looking event for specs: fixed time
 * and actor, sequential ids, no trace. Pass it to deciderSpec as `toEvent`.
 */
export function specEvents<NE extends { type: string; data: unknown }, E>(opts: {
  occurredAt: string;
  actor: { kind: 'user' | 'system' | 'integration'; id: string; name?: string };
  source: string;
}): (e: NE) => E {
  let n = 0;
  return (e) =>
    ({
      ...e,
      schemaVersion: 1,
      metadata: {
        eventId: `e${++n}`,
        occurredAt: opts.occurredAt,
        actor: opts.actor,
        source: opts.source,
        causationId: null,
        correlationId: 'c',
        traceparent: null,
      },
    }) as E;
}
