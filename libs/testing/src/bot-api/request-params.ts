/**
 * Reads Bot API parameters the ways Telegram accepts them: query string,
 * `application/json`, `application/x-www-form-urlencoded` and
 * `multipart/form-data` (Telegraf's form mode, used when a payload carries
 * media). Form values arrive as strings; the fields below get the types the
 * Bot API gives them.
 */

const NUMBER_FIELDS = new Set([
  'chat_id',
  'message_id',
  'offset',
  'limit',
  'timeout',
  'max_connections',
  'cache_time',
  'from_chat_id',
  'reply_to_message_id',
  'message_thread_id',
  'user_id',
]);
const BOOLEAN_FIELDS = new Set([
  'show_alert',
  'disable_notification',
  'drop_pending_updates',
  'protect_content',
  'disable_web_page_preview',
  'allow_sending_without_reply',
]);
const JSON_FIELDS = new Set([
  'reply_markup',
  'allowed_updates',
  'commands',
  'scope',
  'link_preview_options',
  'reply_parameters',
  'entities',
  'caption_entities',
]);

export class ParamsError extends Error {}

export interface UploadedFile {
  filename: string;
  size: number;
}

export function parseParams(url: URL, contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  const ct = (contentType ?? '').toLowerCase();
  if (body.length > 0) {
    if (ct.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    } else if (ct.startsWith('multipart/form-data')) {
      const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
      if (!boundary) throw new ParamsError('Bad Request: multipart boundary is missing');
      Object.assign(params, parseMultipart(body, boundary[1] ?? boundary[2]!));
    } else {
      // application/json, or no content type at all (Telegram tries JSON).
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new ParamsError("Bad Request: can't parse JSON object");
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ParamsError("Bad Request: can't parse JSON object");
      Object.assign(params, parsed);
    }
  }
  return coerce(params);
}

function coerce(params: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') continue;
    if (NUMBER_FIELDS.has(k) && /^-?\d+$/.test(v)) {
      params[k] = Number(v);
    } else if (BOOLEAN_FIELDS.has(k) && (v === 'true' || v === 'false')) {
      params[k] = v === 'true';
    } else if (JSON_FIELDS.has(k)) {
      try {
        params[k] = JSON.parse(v);
      } catch {
        if (k === 'reply_markup') throw new ParamsError("Bad Request: can't parse reply keyboard markup JSON object");
        throw new ParamsError(`Bad Request: can't parse ${k} JSON object`);
      }
    }
  }
  return params;
}

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const delim = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing `--boundary--`
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const next = body.indexOf(delim, pos);
    if (next < 0) break;
    let part = body.subarray(pos, next);
    if (part.length >= 2 && part[part.length - 2] === 0x0d && part[part.length - 1] === 0x0a) part = part.subarray(0, part.length - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /(?:^|;)\s*name="([^"]*)"/im.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined) {
        out[name] = filename !== undefined ? ({ filename, size: content.length } satisfies UploadedFile) : content.toString('utf8');
      }
    }
    pos = next;
  }
  return out;
}
