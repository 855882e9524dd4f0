import { Injectable } from '@nestjs/common';
import { subjects, type OnCallQuery, type OnCallReply } from '@dozor/contracts';
import { EventStore, RequestFailedError } from '@dozor/eventstore';

/** How long a step waits for the scheduler before recording that nobody answered. */
const ON_CALL_TIMEOUT_MS = 3000;

/** Asks the scheduler who is on call, over NATS request-reply. Never throws: an unanswered question is an answer too. */
@Injectable()
export class OnCallClient {
  constructor(private readonly store: EventStore) {}

  async whoIsOnCall(schedule: string, at: string): Promise<{ users: string[] } | { error: string }> {
    try {
      const reply = await this.store.requests.request<OnCallReply>(subjects.onCallQuery(this.store.topology), { schedule, at } satisfies OnCallQuery, {
        timeoutMs: ON_CALL_TIMEOUT_MS,
      });
      return reply.ok ? { users: reply.users } : { error: reply.message };
    } catch (err) {
      const noScheduler = err instanceof RequestFailedError && err.reason === 'no_responders';
      return { error: noScheduler ? 'no scheduler is running' : `scheduler did not answer (${(err as Error).message})` };
    }
  }
}
