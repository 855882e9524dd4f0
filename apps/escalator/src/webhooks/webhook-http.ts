import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, hostAllowed, type AllowEntry, type WebhookRequestPlan } from '@dozor/domain';

/** What one attempt came to. `refused`: the target is not allowed (never retried); `network`: no answer (retried). */
export type HttpAttempt =
  | { kind: 'response'; status: number; body: string; url: string }
  | { kind: 'network'; error: string; url: string }
  | { kind: 'refused'; error: string; url: string };

export interface GuardedHttpOptions {
  allow: readonly AllowEntry[];
  timeoutMs: number;
  /** Redirects followed, each target checked like the first. */
  maxRedirects?: number;
  /** Response bytes kept (the rest is read and dropped). */
  maxBodyBytes?: number;
  /** The resolver (every address of a name); node's by default. */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
}

const systemResolve = (host: string) => dnsLookup(host, { all: true, verbatim: true });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Resolves the host and checks every address it has (see libs/domain
 * ssrf.ts); the connection then goes to the first checked address, so a
 * second resolution cannot point it elsewhere (DNS rebinding). An address
 * literal is checked as is; a host name on the allow-list is not checked.
 */
async function checkedAddress(
  host: string,
  allow: readonly AllowEntry[],
  resolve: NonNullable<GuardedHttpOptions['resolve']>,
): Promise<{ address: string; family: number } | { refused: string }> {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(bare)) {
    const why = addressRefusal(bare, allow);
    return why ? { refused: why } : { address: bare, family: isIP(bare) };
  }
  let found: { address: string; family: number }[];
  try {
    found = await resolve(bare);
  } catch (err) {
    return { refused: `cannot resolve ${bare}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  if (found.length === 0) return { refused: `cannot resolve ${bare}` };
  if (!hostAllowed(bare, allow)) {
    for (const a of found) {
      const why = addressRefusal(a.address, allow);
      if (why) return { refused: `${bare}: ${why}` };
    }
  }
  return found[0]!;
}

function pinnedLookup(address: string, family: number): LookupFunction {
  return ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}

function once(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | null,
  pinned: { address: string; family: number },
  signal: AbortSignal,
  maxBody: number,
): Promise<{ status: number; location: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method,
        headers: body === null ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(pinned.address, pinned.family),
        signal,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (c: Buffer) => {
          if (kept < maxBody) {
            chunks.push(c.subarray(0, maxBody - kept));
            kept += Math.min(c.length, maxBody - kept);
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: typeof res.headers.location === 'string' ? res.headers.location : null,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** Sends a rendered request within `timeoutMs` (redirects included); never throws. */
export async function sendGuarded(plan: WebhookRequestPlan, opts: GuardedHttpOptions): Promise<HttpAttempt> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url = new URL(plan.url);
  let method: string = plan.method;
  let body = plan.body;
  const headers = { ...plan.headers };
  for (let hop = 0; ; hop++) {
    const target = await checkedAddress(url.hostname, opts.allow, opts.resolve ?? systemResolve);
    if ('refused' in target) return { kind: 'refused', error: target.refused, url: url.href };
    let res: { status: number; location: string | null; body: string };
    try {
      res = await once(url, method, headers, body, target, signal, opts.maxBodyBytes ?? 64 * 1024);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = signal.aborted ? `timed out after ${opts.timeoutMs} ms` : (e.code ?? e.message);
      return { kind: 'network', error: why, url: url.href };
    }
    if (!REDIRECTS.has(res.status) || !res.location || hop >= (opts.maxRedirects ?? 3))
      return { kind: 'response', status: res.status, body: res.body, url: url.href };
    const next = new URL(res.location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return { kind: 'refused', error: `redirect to ${next.protocol} refused`, url: url.href };
    // As browsers and Python's requests do: 303, and 301/302 after a POST, continue as GET without the body.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = null;
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
    }
    // Credentials are not sent to another host.
    if (next.host !== url.host) for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    url = next;
  }
}
