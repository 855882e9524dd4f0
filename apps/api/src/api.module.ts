import { Module } from '@nestjs/common';
import { AlertGroupsController } from './alert-groups/alert-groups.controller.js';
import { AlertGroupsReadModel } from './alert-groups/alert-groups.read-model.js';
import { AlertGroupCommands } from './alert-groups/alert-group.commands.js';
import { ApiTokenGuard } from '@dozor/platform';
import { IntegrationsController } from './integrations/integrations.controller.js';
import { IntegrationCommands } from './integrations/integration.commands.js';
import { UsersController } from './users/users.controller.js';
import { PersonalNotificationRulesController } from './users/personal-notification-rules.controller.js';
import { RouterRequests } from './router.client.js';
import { IndexController } from './index.controller.js';
import { EscalationController } from './escalation/escalation.controller.js';

/**
 * The public REST API (`/api/v1/…`, shaped like Grafana OnCall's). Thin: it
 * reads the projections and sends actions (alert groups, integration
 * maintenance/debug mode) to the router.
 *
 * The host application provides, as global Nest providers: `EventStore`
 * (class token from @dozor/eventstore), TypeORM's `DataSource` (class token),
 * `ApiAuth` (class token from @dozor/platform; when absent the guard reads
 * DOZOR_API_TOKEN from the environment), and `UserDirectory` (users and the
 * Telegram bot, for verification codes; when absent those endpoints answer 503).
 */
@Module({
  controllers: [AlertGroupsController, IntegrationsController, UsersController, PersonalNotificationRulesController, EscalationController, IndexController],
  providers: [AlertGroupsReadModel, RouterRequests, AlertGroupCommands, IntegrationCommands, ApiTokenGuard],
})
export class ApiModule {}
