import { Inject, Injectable } from '@nestjs/common';
import { subjects, type Actor, type AlertGroupAction, type AlertGroupCommandRequest, type CommandReply } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { RouterRequests } from '../router.client.js';

/** Who acts through the REST API until API tokens are tied to users. */
export const API_ACTOR: Actor = { kind: 'user', id: 'api', name: 'api' };

/**
 * Sends an action to the router (request-reply on `<prefix>.cmd.alert-group`)
 * and turns its reply into a result or an HttpException with a `detail`.
 */
@Injectable()
export class AlertGroupCommands {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(RouterRequests) private readonly router: RouterRequests,
  ) {}

  async send(action: AlertGroupAction, alertGroupId: string, durationSeconds?: number | null): Promise<Extract<CommandReply, { ok: true }>> {
    const req: AlertGroupCommandRequest = { action, alertGroupId, actor: API_ACTOR, source: 'api' };
    if (action === 'silence') req.durationSeconds = durationSeconds ?? null;
    return this.router.send<CommandReply>(
      subjects.alertGroupCommands(this.store.topology),
      req,
      { 'dozor.action': action, 'dozor.alert_group_id': alertGroupId },
      'the router refused the action',
    );
  }
}
