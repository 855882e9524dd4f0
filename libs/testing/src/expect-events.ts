import { expect } from 'vitest';

type Typed = { type: string };

/**
 * The events of one type, in their order. Specs find events by type rather
 * than by position, so adding an event to a decision does not break specs
 * that are about another one.
 */
export function ofType<E extends Typed, T extends E['type']>(events: readonly E[], type: T): Extract<E, { type: T }>[] {
  return events.filter((e): e is Extract<E, { type: T }> => e.type === type);
}

/** The one event of a type: fails naming the types present when there is none or several. */
export function oneOfType<E extends Typed, T extends E['type']>(events: readonly E[], type: T): Extract<E, { type: T }> {
  const found = ofType(events, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length} among [${events.map((e) => e.type).join(', ')}]`);
  return found[0]!;
}

/** `expectEvents(events).toInclude('AlertGroupCreated', 'AlertAdded')`, `.toExclude('NotificationRequested')`. */
export function expectEvents(events: readonly Typed[]) {
  const types = events.map((e) => e.type);
  return {
    toInclude(...expected: string[]) {
      for (const t of expected) expect(types, `${t} among the events`).toContain(t);
    },
    toExclude(...unexpected: string[]) {
      for (const t of unexpected) expect(types, `no ${t} among the events`).not.toContain(t);
    },
  };
}
