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
export { deciderSpec, specEvents, type DeciderLike } from './decider-spec.js';
export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
export { DozorProcess, freePort } from './dozor-process.js';
export { ALERTMANAGER_CONFORMANCE, type ConformanceRow } from './conformance.js';
export { DozorCluster, type ClusterEvent, type ClusterOptions } from './dozor-cluster.js';
export { NatsServerProcess, type NatsServerOptions } from './nats-server-process.js';
export { TcpProxy } from './tcp-proxy.js';
