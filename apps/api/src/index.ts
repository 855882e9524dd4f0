export { ApiModule } from './api.module.js';
export { ApiAuth, type ApiAuthOptions } from './auth/api-auth.js';
export { ApiTokenGuard } from './auth/api-token.guard.js';
export { ApiExceptionFilter } from './api-exception.filter.js';
export { AlertGroupsController, PAGE_SIZE, MAX_PAGE_SIZE } from './alert-groups/alert-groups.controller.js';
export { AlertGroupsReadModel, DETAIL_ALERTS, type AlertGroupFilter } from './alert-groups/alert-groups.read-model.js';
export { AlertGroupCommands, API_ACTOR } from './alert-groups/alert-group-commands.js';
export * from './alert-groups/alert-group.serializer.js';
