export { BotApiTestServer, type BotApiTestServerOptions } from './bot-api/bot-api-test-server.js';
export { ChatHandle } from './bot-api/chat-handle.js';
export { FaultPlan, type FaultPlanOptions, type FaultRule } from './bot-api/fault-plan.js';
export { parseTelegramHtml, type MessageEntity, type HtmlParseResult } from './bot-api/telegram-html.js';
export type {
  ApiResponse,
  CallbackAnswer,
  ChatBlock,
  ExpectMessageOptions,
  InjectedFailure,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  MessageVersion,
  RecordedCall,
  ReplyMarkup,
  StoredMessage,
  TelegramChat,
  TelegramUser,
  Update,
  WaitOptions,
} from './bot-api/types.js';
export { findRepoRoot, fixturesDir, goJsonMarshal, listFixtures, loadFixture, type Fixture } from './fixtures.js';
export { deciderSpec, specEvents, type DeciderLike } from './decider-specification.js';
export { InMemoryEventLog } from './in-memory-event-log.js';
export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
export { DozorProcess, freePort } from './dozor-process.js';
export { ALERTMANAGER_CONFORMANCE, type ConformanceRow } from './conformance.js';
export { NATS_URL, PG_URL, pgUrlWithSchema } from './env.js';
export { poll } from './poll.js';
export { isolate, dropSchemas, type Isolation } from './isolate.js';
export { ALICE_TG, API_TOKEN, BOB_TG, TOKEN, writeChainConfig, writeConfig } from './scenario.js';
export { TestClock } from './test-clock.js';
export { eventsOn, stateOf, type SubjectReader } from './subject.js';
export { expectEvents, ofType, oneOfType } from './expect-events.js';
export { rejection, thrown } from './thrown.js';
export { childProcessEnv, inProcessEnv } from './dozor-env.js';
export { DozorSystem, SEPARATE_SERVICES } from './dozor-system.js';
export { postAlertFixture, firstCreatedGroup, type Replayer } from './in-process.js';
export { appendAsRouter, openedGroupEvents, type OpenedGroupOptions } from './opened-group.js';
export { DozorCluster, type ClusterEvent, type ClusterOptions } from './dozor-cluster.js';
export { NatsServerProcess, type NatsServerOptions } from './nats-server-process.js';
export { TcpProxy } from './tcp-proxy.js';
