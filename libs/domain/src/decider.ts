/**
 * The one shape of every aggregate (after emmett's `Decider`): `decide` turns a
 * command and the current state into events or a rejection, `evolve` folds a
 * recorded event into the state, `initialState` is the state of an empty
 * subject. All three are pure: time, ids and configuration come in with the
 * command. `commandHandler` in libs/eventstore loads, decides and appends any
 * value of this type.
 */
import type { DozorEvent, NewEvent } from '@dozor/contracts';

/** Why a command was refused: a code the caller can map (to an HTTP status, a reply) and a message for humans. */
export interface DomainRejection<Code extends string = string> {
  code: Code;
  message: string;
}

/** What `decide` returns: the events to append (none: nothing to do), or why not. */
export type Decision<Rejection = DomainRejection> = { events: NewEvent[] } | { rejected: Rejection };

export interface Decider<Command, Event = DozorEvent, State = unknown, Rejection = DomainRejection> {
  decide(command: Command, state: State): Decision<Rejection>;
  evolve(state: State, event: Event): State;
  initialState(): State;
}
