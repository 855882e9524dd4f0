import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';

export interface Asset {
  type: string;
  body: Buffer;
  /** gzip of `body`, made at build time. */
  gzip: Buffer | null;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The console's built files (`npm run build` bundles apps/api/console-ui into
 * apps/api/dist/console-ui), read once into memory: a few tens of kilobytes,
 * served from the install with no CDN. Only files present at start are served.
 */
@Injectable()
export class ConsoleAssets {
  readonly dir: string | null;
  private readonly files = new Map<string, Asset>();

  constructor() {
    const candidates = [fileURLToPath(new URL('../console-ui/', import.meta.url)), fileURLToPath(new URL('../../dist/console-ui/', import.meta.url))];
    this.dir = candidates.find((d) => existsSync(join(d, 'index.html'))) ?? null;
    if (!this.dir) return;
    for (const name of readdirSync(this.dir)) {
      const ext = name.slice(name.lastIndexOf('.'));
      const type = TYPES[ext];
      if (!type) continue;
      const body = readFileSync(join(this.dir, name));
      const gz = join(this.dir, `${name}.gz`);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      this.files.set(name, { type, body, gzip: existsSync(gz) ? readFileSync(gz) : null, etag });
    }
  }

  get(name: string): Asset | null {
    return this.files.get(name) ?? null;
  }
}
