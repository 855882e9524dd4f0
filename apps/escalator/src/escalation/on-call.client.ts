import { Injectable } from '@nestjs/common';
import { subjects, type OnCallReply } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { currentTraceparent } from '@dozor/telemetry';

/** Asks the scheduler who is on call, over NATS request-reply. Never throws: an unanswered question is an answer too. */
@Injectable()
export class OnCallClient {
  constructor(private readonly store: EventStore) {}

  async whoIsOnCall(schedule: string, at: string): Promise<{ users: string[] } | { error: string }> {
    try {
      const m = await this.store.nc.request(subjects.onCallQuery(this.store.topology), JSON.stringify({ schedule, at, traceparent: currentTraceparent() }), {
        timeout: 3000,
      });
      const reply = m.json<OnCallReply>();
      return reply.ok ? { users: reply.users } : { error: reply.message };
    } catch (err) {
      const msg = (err as Error).message;
      return { error: /no responders|503/i.test(msg) ? 'no scheduler is running' : `scheduler did not answer (${msg})` };
    }
  }
}
