import { Controller, Get, Header } from '@nestjs/common';

/**
 * `/api` on the api target (`/` is the console): what is served here and where
 * to read about it, so `curl` pointed at Dozor's API gets an answer instead of a 404. Public:
 * it names routes, nothing more; every route it lists takes the API token.
 */
@Controller('api')
export class IndexController {
  @Get()
  @Header('cache-control', 'no-store')
  index() {
    return {
      name: 'Dozor',
      api: '/api/v1/',
      console: '/',
      routes: [
        'GET /api/v1/alert_groups/',
        'GET /api/v1/alert_groups/<id>/',
        'POST /api/v1/alert_groups/<id>/{acknowledge,unacknowledge,resolve,unresolve,silence,unsilence}',
        'GET|POST|DELETE /api/v1/integrations/<id>/maintenance',
        'POST /api/v1/users/<id>/telegram_verification_code',
        'GET|POST /api/v1/personal_notification_rules/ (?user_id=, ?important=)',
        'GET|PUT|DELETE /api/v1/personal_notification_rules/<id>',
        'POST /api/v1/escalation (direct paging; Idempotency-Key)',
        'GET|POST|DELETE /api/v1/on_call_shifts (overrides)',
      ],
      auth: 'Authorization: <DOZOR_API_TOKEN> (or Bearer <token>) on every /api/v1 request',
      docs: ['README.md', 'docs/architecture.md', 'docs/templates-and-routing.md', 'docs/schedules.md', 'docs/escalation.md'],
    };
  }
}
