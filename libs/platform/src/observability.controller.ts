import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthRegistry, registry } from '@dozor/telemetry';

@Controller()
export class ObservabilityController {
  constructor(private readonly health: HealthRegistry) {}

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    reply.header('content-type', registry.contentType).send(await registry.metrics());
  }

  /** Liveness: the process answers. */
  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /** Readiness: NATS, the stream, Postgres when used, consumers. */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const r = await this.health.readiness();
    reply.status(r.ok ? 200 : 503).send({ status: r.ok ? 'ready' : 'not ready', checks: r.checks });
  }
}
