import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, EventStore, type EventLog } from '@dozor/eventstore';
import { alertGroupDecider, type AlertGroupAggregate, type AlertGroupCommand, type Rejection } from '@dozor/domain';

/** The AlertGroup decider run against the log: loads cached, reading only what was appended since. */
@Injectable()
export class AlertGroupRepository extends CommandHandler<AlertGroupCommand, AlertGroupAggregate, Rejection> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, alertGroupDecider);
  }
}
