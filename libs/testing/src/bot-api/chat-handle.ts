import type { BotApiTestServer } from './bot-api-test-server.js';
import type { ChatBlock, ExpectMessageOptions, InlineKeyboardMarkup, StoredMessage, WaitOptions } from './types.js';

/** Strings match literally; `g` and `y` flags are dropped so repeated tests do not depend on lastIndex. */
function toRegExp(pattern: RegExp | string): RegExp {
  if (typeof pattern === 'string') return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

/** One chat, seen from the test: its messages and expectations on them. */
export class ChatHandle {
  constructor(
    private readonly server: BotApiTestServer,
    readonly id: number,
  ) {}

  /** Messages the bot sent to this chat (snapshots, oldest first, deleted ones included with `deleted: true`). */
  messages(): StoredMessage[] {
    return this.server.messagesOf(this.id);
  }

  /** The bot's and the users' messages. */
  allMessages(): StoredMessage[] {
    return this.server.messagesOf(this.id, true);
  }

  message(messageId: number): StoredMessage | undefined {
    return this.server.messagesOf(this.id, true).find((m) => m.message_id === messageId);
  }

  lastMessage(): StoredMessage | undefined {
    return this.messages().at(-1);
  }

  /** Labels of the inline buttons of a message, row by row. */
  buttons(messageId: number): string[][] {
    const markup = this.message(messageId)?.reply_markup as InlineKeyboardMarkup | undefined;
    return (markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));
  }

  /**
   * Waits until the bot has sent this chat a message whose visible text (as
   * sent or after any edit) matches, and returns it as it is now.
   */
  expectMessage(pattern: RegExp | string, options: ExpectMessageOptions = {}): Promise<StoredMessage> {
    const re = toRegExp(pattern);
    const after = options.afterMessageId ?? 0;
    return this.server.waitUntil(
      () => this.messages().find((m) => m.message_id > after && m.versions.some((v) => re.test(v.text))),
      options,
      () => `no message matching ${String(pattern)} in chat ${this.id}; messages: ${this.describe()}`,
    );
  }

  /** Waits until message `messageId` has been edited into a text that matches, and returns it as it is now. */
  expectEdit(messageId: number, pattern: RegExp | string, options: WaitOptions = {}): Promise<StoredMessage> {
    const re = toRegExp(pattern);
    return this.server.waitUntil(
      () => {
        const m = this.message(messageId);
        return m && m.versions.slice(1).some((v) => re.test(v.text)) ? m : undefined;
      },
      options,
      () => {
        const m = this.message(messageId);
        return m
          ? `message ${messageId} in chat ${this.id} was not edited to match ${String(pattern)}; versions: ${JSON.stringify(m.versions.map((v) => v.text.slice(0, 300)))}`
          : `no message ${messageId} in chat ${this.id}; messages: ${this.describe()}`;
      },
    );
  }

  /** Sends and edits to this chat now fail with 403 (`blocked` by the user, user `deactivated`, bot `kicked` from a group). */
  block(kind: ChatBlock = 'blocked'): void {
    this.server.setChatBlock(this.id, kind);
  }

  unblock(): void {
    this.server.setChatBlock(this.id, null);
  }

  private describe(): string {
    return JSON.stringify(this.allMessages().map((m) => ({ id: m.message_id, from: m.from, text: m.text.slice(0, 300) })));
  }
}
