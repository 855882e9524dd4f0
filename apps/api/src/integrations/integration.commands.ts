import { Inject, Injectable } from '@nestjs/common';
import { subjects, type IntegrationCommandReply, type IntegrationCommandRequest, type IntegrationStatus } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { API_ACTOR } from '../alert-groups/alert-group.commands.js';
import { RouterRequests } from '../router.client.js';

type Action =
  { action: 'start_maintenance'; mode: 'maintenance' | 'debug'; durationSeconds: number | null } | { action: 'stop_maintenance' } | { action: 'status' };

/** Sends maintenance/debug commands to the router (request-reply on `<prefix>.cmd.integration`). */
@Injectable()
export class IntegrationCommands {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(RouterRequests) private readonly router: RouterRequests,
  ) {}

  async send(integrationId: string, action: Action): Promise<IntegrationStatus> {
    const req: IntegrationCommandRequest = { ...action, integrationId, actor: API_ACTOR, source: 'api' };
    const reply = await this.router.send<IntegrationCommandReply>(
      subjects.integrationCommands(this.store.topology),
      req,
      { 'dozor.action': action.action, 'dozor.integration': integrationId },
      'the router refused',
    );
    return reply.status;
  }
}
