import { Injectable } from '@nestjs/common';
import { subjects, SYSTEM_ACTORS, type AlertGroupCommandRequest, type CommandReply } from '@dozor/contracts';
import { EventStore, RequestFailedError } from '@dozor/eventstore';

/** How long a resolve step waits for the router before the commit is retried. */
const RESOLVE_TIMEOUT_MS = 5000;

/** What asking the router to resolve came to: done (resolved now or before, or gone), or worth a retry. */
export type ResolveOutcome = { done: true; note: string } | { done: false; reason: string };

/**
 * Sends the escalator's own actions to the router (request-reply): a
 * `resolve` step's resolve, and the unacknowledge of an unanswered
 * acknowledge reminder.
 */
@Injectable()
export class GroupResolver {
  constructor(private readonly store: EventStore) {}

  resolve(alertGroupId: string): Promise<ResolveOutcome> {
    return this.act('resolve', alertGroupId);
  }

  /** Unacknowledges (an unanswered reminder); a group no longer acknowledged, or gone, counts as done. */
  unacknowledge(alertGroupId: string): Promise<ResolveOutcome> {
    return this.act('unacknowledge', alertGroupId);
  }

  private async act(action: 'resolve' | 'unacknowledge', alertGroupId: string): Promise<ResolveOutcome> {
    const req: AlertGroupCommandRequest = { action, alertGroupId, actor: SYSTEM_ACTORS.escalator, source: 'system' };
    let reply: CommandReply;
    try {
      reply = await this.store.requests.request<CommandReply>(subjects.alertGroupCommands(this.store.topology), req, { timeoutMs: RESOLVE_TIMEOUT_MS });
    } catch (err) {
      const why = err instanceof RequestFailedError && err.reason === 'no_responders' ? 'no router is running' : (err as Error).message;
      return { done: false, reason: `${action} ${alertGroupId}: ${why}` };
    }
    if (reply.ok) return { done: true, note: action === 'resolve' ? 'resolved' : 'unacknowledged' };
    // Already resolved (or no longer acknowledged), or the group is gone: the work is done either way.
    if (reply.code === 'invalid_transition' || reply.code === 'not_found') return { done: true, note: reply.message };
    return { done: false, reason: `${action} ${alertGroupId}: ${reply.code}: ${reply.message}` };
  }
}
