import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type Server } from 'node:net';
import { TcpProxy } from './tcp-proxy.js';

/** Connects, writes `text`, and resolves with what the echo server sent back (or the connection error's code). */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    s.once('data', (b) => {
      resolve(b.toString());
      s.destroy();
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;

  afterEach(async () => {
    await proxy?.stop();
    await new Promise((r) => echo?.close(r));
  });

  it('passes bytes through, drops connections and refuses new ones while cut, and comes back on the same port', async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
    const port = proxy.port;
    expect(await roundTrip(port, 'hello')).toBe('hello');

    const open = connect(port, '127.0.0.1');
    await new Promise((r) => open.once('connect', r));
    const closed = new Promise((r) => open.once('close', r));
    await proxy.cut();
    await closed;
    expect(proxy.up).toBe(false);
    expect(await roundTrip(port, 'x')).toBe('ECONNREFUSED');

    await proxy.restore();
    expect(proxy.port).toBe(port);
    expect(await roundTrip(port, 'again')).toBe('again');
  });
});
