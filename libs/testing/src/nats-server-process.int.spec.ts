import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsServerProcess } from './nats-server-process.js';

describe('NatsServerProcess', () => {
  let nats: NatsServerProcess;
  afterAll(() => nats?.stop());

  it('keeps JetStream data across kill -9 and a restart on the same port and store', { timeout: 60_000 }, async () => {
    nats = await NatsServerProcess.start();
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    await jetstream(nc).publish('harness.a', 'one');

    const port = nats.port;
    await nats.kill9();
    expect(nats.running).toBe(false);
    await nats.start();
    expect(nats.port).toBe(port);

    // The client reconnects by itself (a request in the gap times out, so ask until it answers); the acknowledged message survived.
    let messages: number | null = null;
    for (const end = Date.now() + 30_000; messages === null && Date.now() < end;) {
      messages = await jsm.streams.info('HARNESS').then(
        (i) => i.state.messages,
        () => null,
      );
    }
    expect(messages).toBe(1);
    await nc.close();
  });
});
