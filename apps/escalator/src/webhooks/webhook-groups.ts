import { Inject, Injectable } from '@nestjs/common';
import type { DozorEvent } from '@dozor/contracts';
import { alertGroupDecider, type AlertGroupAggregate } from '@dozor/domain';
import { AggregateRepository, EventStore, type EventLog } from '@dozor/eventstore';

/** The alert-group aggregate plus what a webhook's context needs of the current group that the aggregate does not keep. */
export interface WebhookGroupState {
  agg: AlertGroupAggregate;
  /** Of the current generation. */
  alertPayload: unknown;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  silencedAt: string | null;
}

export function evolveWebhookGroup(s: WebhookGroupState, e: DozorEvent): WebhookGroupState {
  const agg = alertGroupDecider.evolve(s.agg, e);
  if (agg === s.agg) return s;
  const at = e.metadata.occurredAt;
  switch (e.type) {
    case 'AlertGroupCreated':
      return { agg, alertPayload: null, acknowledgedAt: null, resolvedAt: null, silencedAt: null };
    case 'AlertAdded':
      return { ...s, agg, alertPayload: s.alertPayload ?? e.data.payload };
    case 'AlertGroupAcknowledged':
      return { ...s, agg, acknowledgedAt: at, silencedAt: null };
    case 'AlertGroupUnacknowledged':
      return { ...s, agg, acknowledgedAt: null };
    case 'AlertGroupResolved':
      return { ...s, agg, resolvedAt: at, silencedAt: null };
    case 'AlertGroupUnresolved':
      return { ...s, agg, resolvedAt: null, acknowledgedAt: null };
    case 'AlertGroupSilenced':
      return { ...s, agg, silencedAt: at, acknowledgedAt: null };
    case 'AlertGroupUnsilenced':
      return { ...s, agg, silencedAt: null };
    default:
      return { ...s, agg };
  }
}

/** Reads alert groups for webhook contexts (the router decides on them). */
@Injectable()
export class WebhookGroupReader extends AggregateRepository<WebhookGroupState> {
  constructor(@Inject(EventStore) store: EventLog) {
    super(store, {
      initialState: () => ({ agg: alertGroupDecider.initialState(), alertPayload: null, acknowledgedAt: null, resolvedAt: null, silencedAt: null }),
      evolve: evolveWebhookGroup,
    });
  }
}
