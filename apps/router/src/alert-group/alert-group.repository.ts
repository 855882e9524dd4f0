import { Injectable } from '@nestjs/common';
import { AggregateRepository, EventStore } from '@dozor/eventstore';
import { evolve, initialState, type AlertGroupAggregate } from '@dozor/domain';

/** Loads AlertGroup aggregates, cached, reading only what was appended since. */
@Injectable()
export class AlertGroupRepository extends AggregateRepository<AlertGroupAggregate> {
  constructor(store: EventStore) {
    super(store, { initialState, evolve: (s, e) => evolve(s, e) });
  }
}
