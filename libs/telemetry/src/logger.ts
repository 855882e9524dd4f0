import type { LoggerService, LogLevel } from '@nestjs/common';
import { currentTraceId } from './tracing.js';

const LEVELS: Record<string, number> = { fatal: 60, error: 50, warn: 40, log: 30, info: 30, debug: 20, verbose: 10 };

/**
 * JSON lines on stdout, one object per record, with `trace_id` when a span is
 * active. Used directly and as Nest's logger.
 */
export class JsonLogger implements LoggerService {
  private readonly min: number;
  constructor(
    private readonly service: string,
    level: string = process.env.LOG_LEVEL ?? 'info',
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {
    this.min = LEVELS[level] ?? 30;
  }

  private write(level: string, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    if ((LEVELS[level] ?? 30) < this.min) return;
    const rec: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: level === 'log' ? 'info' : level,
      service: this.service,
      msg: message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message),
    };
    if (context) rec.context = context;
    const traceId = currentTraceId();
    if (traceId) rec.trace_id = traceId;
    if (extra) Object.assign(rec, extra);
    if (message instanceof Error && message.stack) rec.stack = message.stack;
    this.out(JSON.stringify(rec));
  }

  info(message: unknown, extra?: Record<string, unknown>): void {
    this.write('info', message, undefined, extra);
  }
  log(message: unknown, context?: string): void {
    this.write('log', message, typeof context === 'string' ? context : undefined);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const ctx = rest.find((r) => typeof r === 'string' && !r.includes('\n')) as string | undefined;
    const stack = rest.find((r) => typeof r === 'string' && r.includes('\n')) as string | undefined;
    this.write('error', message, ctx, stack ? { stack } : undefined);
  }
  warn(message: unknown, context?: string | Record<string, unknown>): void {
    this.write('warn', message, typeof context === 'string' ? context : undefined, typeof context === 'object' ? context : undefined);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('verbose', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }
  setLogLevels(_levels: LogLevel[]): void {}
  child(service: string): JsonLogger {
    return new JsonLogger(
      service,
      Object.keys(LEVELS).find((k) => LEVELS[k] === this.min),
      this.out,
    );
  }
}
