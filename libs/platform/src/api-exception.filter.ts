import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { JsonLogger } from '@dozor/telemetry';

const log = new JsonLogger('api');

/** Every error of the REST API as JSON with a `detail` message, as Grafana OnCall's API answers. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: Record<string, unknown> = { detail: 'Internal server error.' };
    if (err instanceof HttpException) {
      status = err.getStatus();
      const r = err.getResponse();
      if (typeof r === 'string') body = { detail: r };
      else if (r && typeof r === 'object' && 'detail' in r) body = r as Record<string, unknown>;
      else {
        const m = (r as { message?: unknown }).message;
        body = { detail: Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : err.message };
      }
    } else {
      log.error(`unhandled error in the REST API: ${(err as Error)?.stack ?? String(err)}`, 'api');
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }
}
