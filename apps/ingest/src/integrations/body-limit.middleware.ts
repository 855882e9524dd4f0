import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { Runtime } from '@dozor/platform';

/** Over-limit bodies up to this many times the limit are read and discarded before the 413. */
export const DRAIN_FACTOR = 2;

/**
 * Answers a webhook whose declared body is over DOZOR_INGEST_BODY_LIMIT with
 * 413 after reading the body, not before. Fastify answers 413 with
 * `connection: close` as soon as it sees the Content-Length; the client is
 * still uploading, the socket closes with its bytes unread, and the kernel
 * answers them with a reset. The client sees a connection error instead of
 * the 413, and Alertmanager retries a connection error forever.
 *
 * Bodies up to DRAIN_FACTOR × the limit are drained and discarded, and the
 * 413 keeps the connection alive. A larger one is refused at once and the
 * connection closed: reading it would cost more than the reset. A body
 * without Content-Length (chunked) is left to Fastify's own limit.
 */
@Injectable()
export class BodyLimitMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  private readonly limit: number;

  constructor(runtime: Runtime) {
    this.limit = runtime.settings.bodyLimitBytes;
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const declared = Number(req.headers['content-length']);
    if (!(declared > this.limit)) return next();
    const detail = `request body is too large: ${declared} bytes, the limit is ${this.limit} (DOZOR_INGEST_BODY_LIMIT)`;
    const bound = DRAIN_FACTOR * this.limit;
    if (declared > bound) return tooLarge(res, detail, true);
    let read = 0;
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read <= bound) return;
      req.off('data', onData).off('end', onEnd);
      tooLarge(res, detail, true);
    };
    const onEnd = () => tooLarge(res, detail, false);
    req.on('data', onData).on('end', onEnd);
    req.once('error', () => res.destroy());
  }
}

function tooLarge(res: ServerResponse, detail: string, close: boolean): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ detail });
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}
