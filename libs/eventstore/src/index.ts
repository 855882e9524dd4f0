export * from './expected-version.js';
export * from './codec.js';
export * from './event-store.js';
export * from './consumer-runner.js';
export * from './aggregate.js';
export * from './jetstream.transport.js';
export * from './request-client.js';
