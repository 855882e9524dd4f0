import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export type Q = Record<string, string | string[] | undefined>;

export const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
export const DAY_MS = 86_400_000;

export function badRequest(detail: string): HttpException {
  return new HttpException({ detail }, HttpStatus.BAD_REQUEST);
}

export function notFound(): HttpException {
  return new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
  current_page_number: number;
  page_size: number;
  total_pages: number;
}

/** Page-number pagination as Django REST framework (and so Grafana OnCall) does it: `page` (or `last`) and `perpage`. */
export function paginate<T>(items: T[], q: Q, req: FastifyRequest): Page<T> {
  const perpageRaw = Number(one(q.perpage));
  const pageSize = Number.isInteger(perpageRaw) && perpageRaw > 0 ? Math.min(perpageRaw, MAX_PAGE_SIZE) : PAGE_SIZE;
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  const raw = one(q.page);
  const page = raw === undefined || raw === '' ? 1 : raw === 'last' ? totalPages : Number(raw);
  if (!Number.isInteger(page) || page < 1 || page > totalPages) throw new HttpException({ detail: 'Invalid page.' }, HttpStatus.NOT_FOUND);
  return {
    count: items.length,
    next: page < totalPages ? pageUrl(req, page + 1) : null,
    previous: page > 1 ? pageUrl(req, page - 1) : null,
    results: items.slice((page - 1) * pageSize, page * pageSize),
    current_page_number: page,
    page_size: pageSize,
    total_pages: totalPages,
  };
}

function pageUrl(req: FastifyRequest, page: number): string {
  const u = new URL(req.url, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
  if (page === 1) u.searchParams.delete('page');
  else u.searchParams.set('page', String(page));
  return u.toString();
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A window from `start_date`/`end_date`. Dates (`2024-01-01`) are UTC days and
 * the end date is exclusive, as Grafana OnCall's final_shifts computes it;
 * instants with an offset (`2024-01-01T09:00:00Z`) are taken as they are.
 */
export function dateWindow(q: Q, opts: { required: boolean; defaultFrom?: number; defaultTo?: number; maxDays?: number }): { from: number; to: number } {
  const rawStart = one(q.start_date);
  const rawEnd = one(q.end_date);
  if (opts.required && (!rawStart || !rawEnd)) throw badRequest('start_date and end_date are required (ISO 8601 dates such as 2024-01-01)');
  const from = rawStart ? instantOf(rawStart, 'start_date') : opts.defaultFrom!;
  const to = rawEnd ? instantOf(rawEnd, 'end_date') : opts.defaultTo!;
  if (to < from) throw badRequest('end_date must be greater than or equal to start_date');
  const maxDays = opts.maxDays ?? 365;
  if (to - from > maxDays * DAY_MS) throw badRequest(`end_date cannot be more than ${maxDays} days after start_date`);
  return { from, to };
}

function instantOf(v: string, field: string): number {
  const t = v.trim();
  const ms = DATE.test(t) ? Date.parse(`${t}T00:00:00Z`) : INSTANT.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms))
    throw badRequest(
      `${field} must be an ISO 8601 date (2024-01-01) or a date-time with an offset (2024-01-01T09:00:00Z), got ${JSON.stringify(t.slice(0, 40))}`,
    );
  return ms;
}

/** An instant in a JSON body: ISO 8601; without an offset it is UTC. */
export function bodyInstant(v: unknown, field: string): number {
  if (typeof v !== 'string' || v.trim() === '') throw badRequest(`${field} is required: an ISO 8601 date-time such as 2026-06-11T00:00:00Z`);
  const t = v.trim();
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(t) ? `${t}Z` : t;
  const ms = INSTANT.test(withZone) ? Date.parse(withZone) : NaN;
  if (!Number.isFinite(ms)) throw badRequest(`${field} must be an ISO 8601 date-time such as 2026-06-11T00:00:00Z, got ${JSON.stringify(t.slice(0, 40))}`);
  return ms;
}
