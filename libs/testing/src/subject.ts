import type { DozorEvent } from '@dozor/contracts';

/** What these helpers need of an EventStore (kept structural: the kit does not depend on @dozor/eventstore). */
export interface SubjectReader {
  readSubject(subject: string): Promise<{ events: DozorEvent[] }[]>;
}

/** Every event on one subject, in log order. */
export async function eventsOn(store: SubjectReader, subject: string): Promise<DozorEvent[]> {
  return (await store.readSubject(subject)).flatMap((c) => c.events);
}

/** An aggregate's state, folded from its subject as the service would fold it. */
export async function stateOf<S>(store: SubjectReader, subject: string, fold: { evolve(s: S, e: DozorEvent): S; initialState(): S }): Promise<S> {
  return (await eventsOn(store, subject)).reduce((s, e) => fold.evolve(s, e), fold.initialState());
}
