import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsServerProcess } from './nats-server-process.js';

describe('NatsServerProcess', () => {
  let nats: NatsServerProcess;
  afterAll(() => nats?.stop());

  it('keeps JetStream data across kill -9 and a restart on the same port and store', async () => {
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

    // The client reconnects by itself; the acknowledged message survived.
    const info = await jsm.streams.info('HARNESS');
    expect(info.state.messages).toBe(1);
    await nc.close();
  });
});
