import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@dozor/eventstore';
import { AlertGroupsReadModel } from '../alert-groups/alert-groups.read-model.js';
import type { AlertGroupJson } from '../alert-groups/alert-group.serializer.js';
import { CheckpointWaiter } from './checkpoint-waiter.service.js';

export interface GroupChange {
  /** The stream sequence of the commit: the SSE event id, so a reconnect resumes after it. */
  seq: number;
  group: AlertGroupJson;
}

/**
 * Live alert group changes for the console, straight from the event log: an
 * ordered consumer on `<prefix>.evt.alert-group.>` per browser, starting after
 * the sequence the browser last saw (`Last-Event-ID`), so any replica can
 * serve any reconnect and nothing shared is kept in memory. Each commit is
 * sent once the projections have applied it, as the group reads in the tables.
 */
@Injectable()
export class GroupStream {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(AlertGroupsReadModel) private readonly read: AlertGroupsReadModel,
    @Inject(CheckpointWaiter) private readonly checkpoint: CheckpointWaiter,
  ) {}

  /** The last sequence in the log: where a fresh stream starts. */
  head(): Promise<number> {
    return this.store.lastSeq();
  }

  async *follow(afterSeq: number, signal: AbortSignal): AsyncGenerator<GroupChange> {
    const filter = `${this.store.topology.prefix}.evt.alert-group.>`;
    for await (const c of this.store.replay({ fromSeq: afterSeq + 1, filter, follow: true, signal })) {
      if (signal.aborted) return;
      const ids = new Set<string>();
      for (const e of c.events) {
        const id = (e.data as { alertGroupId?: unknown }).alertGroupId;
        if (typeof id === 'string') ids.add(id);
      }
      if (ids.size === 0) continue;
      await this.checkpoint.reached(c.seq);
      for (const id of ids) {
        const g = await this.read.get(id);
        if (!g) continue;
        const { timeline: _t, alerts: _a, ...group } = g;
        yield { seq: c.seq, group };
      }
    }
  }
}
