import { Body, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { MAINTENANCE_DURATIONS, maintenanceSeconds, type IntegrationStatus, type MaintenanceDuration } from '@dozor/contracts';
import { ApiController } from '@dozor/platform';
import { IntegrationCommands } from './integration.commands.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Grafana OnCall's maintenance durations in seconds (its API takes seconds). */
const SECONDS = new Map(MAINTENANCE_DURATIONS.filter((d) => d !== 'forever').map((d) => [maintenanceSeconds(d)!, d]));

/**
 * Maintenance and debug mode of an integration:
 *   POST   /api/v1/integrations/<id>/maintenance   {"mode": "maintenance"|"debug", "duration": "1h"|"3h"|"6h"|"12h"|"24h"|"forever"}
 *   DELETE /api/v1/integrations/<id>/maintenance   stop it
 *   GET    /api/v1/integrations/<id>/maintenance   the mode in force and the heartbeat state
 * `mode` also takes OnCall's numbers (0 debug, 1 maintenance) and `duration`
 * OnCall's seconds (3600, 10800, 21600, 43200, 86400) or null (until stopped).
 * The router decides (`<prefix>.cmd.integration`); the change is an event with an audit row.
 */
@ApiController('api/v1/integrations')
export class IntegrationsController {
  constructor(@Inject(IntegrationCommands) private readonly commands: IntegrationCommands) {}

  @Get(':id/maintenance')
  async status(@Param('id') id: string) {
    return serialize(await this.commands.send(checkId(id), { action: 'status' }));
  }

  @Post(':id/maintenance')
  @HttpCode(200)
  async start(@Param('id') id: string, @Body() body: unknown) {
    const b = (body && typeof body === 'object' ? body : {}) as { mode?: unknown; duration?: unknown };
    const mode =
      b.mode === 'maintenance' || b.mode === 1 || b.mode === '1' ? 'maintenance' : b.mode === 'debug' || b.mode === 0 || b.mode === '0' ? 'debug' : null;
    if (!mode) throw bad(`mode must be "maintenance" or "debug" (or OnCall's 1 / 0), got ${JSON.stringify(b.mode ?? null)}`);
    const durationSeconds = parseDuration(b.duration);
    return serialize(await this.commands.send(checkId(id), { action: 'start_maintenance', mode, durationSeconds }));
  }

  @Delete(':id/maintenance')
  @HttpCode(200)
  async stop(@Param('id') id: string) {
    return serialize(await this.commands.send(checkId(id), { action: 'stop_maintenance' }));
  }
}

function parseDuration(raw: unknown): number | null {
  if (raw === undefined) throw bad(`duration is required: one of ${MAINTENANCE_DURATIONS.join(', ')} (or seconds)`);
  if (raw === null || raw === 'forever') return null;
  if (typeof raw === 'string' && (MAINTENANCE_DURATIONS as readonly string[]).includes(raw)) return maintenanceSeconds(raw as MaintenanceDuration);
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (SECONDS.has(n)) return n;
  throw bad(`duration must be one of ${MAINTENANCE_DURATIONS.join(', ')} (or ${[...SECONDS.keys()].join(', ')} seconds, or null), got ${JSON.stringify(raw)}`);
}

function checkId(id: string): string {
  if (!ID.test(id)) throw new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
  return id;
}

function bad(detail: string): HttpException {
  return new HttpException({ detail }, HttpStatus.BAD_REQUEST);
}

/** OnCall's field names (`maintenance_mode`, `maintenance_started_at`, `maintenance_end_at`). */
function serialize(s: IntegrationStatus) {
  const m = s.maintenance;
  return {
    id: s.integrationId,
    maintenance_mode: m?.mode ?? null,
    maintenance_id: m?.maintenanceId ?? null,
    maintenance_started_at: m?.startedAt ?? null,
    maintenance_end_at: m?.until ?? null,
    maintenance_origin: m?.origin ?? null,
    heartbeat: s.heartbeat && { last_heartbeat_time: s.heartbeat.lastHeartbeatAt, due_by: s.heartbeat.dueAt, missing: s.heartbeat.missing },
  };
}
