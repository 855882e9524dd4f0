import { HttpCode, HttpException, HttpStatus, Inject, Optional, Param, Post } from '@nestjs/common';
import { VERIFICATION_CODE_TTL_MS, hashVerificationCode, newVerificationCode, subjects } from '@dozor/contracts';
import { EventStore, ExpectedVersion } from '@dozor/eventstore';
import { ApiController } from '@dozor/platform';
import { API_ACTOR } from '../alert-groups/alert-group.commands.js';
import { UserDirectory } from './user-directory.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Linking a Telegram account to a Dozor user, as Grafana OnCall does:
 *   POST /api/v1/users/<id>/telegram_verification_code  →  {"code", "expires_at", "deep_link"}
 * The user sends the code to the bot (`/start <code>`, or the deep link
 * `https://t.me/<bot>?start=<code>`). The code is single use and valid for 1 hour; the log keeps only its sha256
 * (`TelegramVerificationCodeIssued` on `user.<id>` and on the index subject `user.code-<hash>`).
 */
@ApiController('api/v1/users')
export class UsersController {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Optional() @Inject(UserDirectory) private readonly directory?: UserDirectory,
  ) {}

  @Post(':id/telegram_verification_code')
  @HttpCode(201)
  async telegramVerificationCode(@Param('id') id: string) {
    if (!this.directory)
      throw new HttpException({ detail: 'The users API is not available in this process (no user directory).' }, HttpStatus.SERVICE_UNAVAILABLE);
    const user = ID.test(id) ? this.directory.find(id) : undefined;
    if (!user)
      throw new HttpException({ detail: `No user with id ${JSON.stringify(id)}: users are defined in dozor.yaml (users[].id).` }, HttpStatus.NOT_FOUND);
    const code = newVerificationCode();
    const codeHash = hashVerificationCode(code);
    const expiresAt = new Date(this.store.clock().getTime() + VERIFICATION_CODE_TTL_MS).toISOString();
    const event = { type: 'TelegramVerificationCodeIssued' as const, data: { userId: user.id, codeHash, expiresAt } };
    const t = this.store.topology;
    // The user's subject first: a code is only usable once it is there; the index only makes it findable.
    await this.store.append(subjects.user(t, user.id), [event], { expected: ExpectedVersion.any, actor: API_ACTOR, source: 'api' });
    await this.store.append(subjects.verificationCode(t, codeHash), [event], { expected: ExpectedVersion.noStream, actor: API_ACTOR, source: 'api' });
    const bot = await this.directory.botUsername();
    return { code, expires_at: expiresAt, deep_link: bot ? `https://t.me/${bot}?start=${code}` : null };
  }
}
