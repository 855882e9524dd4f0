import { Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { subjects } from '@dozor/contracts';
import { EventStore } from '@dozor/eventstore';
import { ApiController, mintConsoleLoginCode, requestSession, Runtime } from '@dozor/platform';
import { API_ACTOR } from '../alert-groups/alert-group.commands.js';
import { GroupStream } from './group-stream.service.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * What the console reads besides the public API, behind the same guard (API
 * token or session cookie):
 *   GET  /console/api/stream                        alert group changes, Server-Sent Events
 *   GET  /console/api/integrations                  integrations with their URL (`link`)
 *   GET  /console/api/escalation_chains             chains and their steps
 *   GET  /console/api/users                         users and their Telegram link state
 *   POST /console/api/integrations/<id>/send_demo_alert
 *   POST /api/v1/users/<id>/console_login_code      a one-time sign-in link for a user
 */
@ApiController('')
export class ConsoleController {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Runtime) private readonly rt: Runtime,
    @Inject(GroupStream) private readonly groups: GroupStream,
  ) {}

  /**
   * `event: ready` (id = the log's head) on a fresh connection, then `event:
   * group` with the group as the API serializes it, id = the commit's stream
   * sequence. A reconnect sends `Last-Event-ID` and resumes after it, on any replica.
   */
  @Get('console/api/stream')
  async stream(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const raw = String(req.headers['last-event-id'] ?? '');
    const resumed = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    const after = resumed ?? (await this.groups.head());
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    out.write('retry: 2000\n\n');
    if (resumed === null) out.write(`id: ${after}\nevent: ready\ndata: {}\n\n`);
    const ac = new AbortController();
    const keepalive = setInterval(() => out.write(': keepalive\n\n'), KEEPALIVE_MS);
    req.raw.on('close', () => ac.abort());
    try {
      for await (const c of this.groups.follow(after, ac.signal)) out.write(`id: ${c.seq}\nevent: group\ndata: ${JSON.stringify(c.group)}\n\n`);
    } catch {
      /* the log went away or the browser left: the browser reconnects with its last id */
    } finally {
      clearInterval(keepalive);
      out.end();
    }
  }

  @Get('console/api/integrations')
  integrations() {
    const base = this.rt.settings.publicUrl;
    return this.rt.config.integrations.map((i) => ({
      id: i.id,
      name: i.name,
      type: i.type,
      link: `${base}/integrations/v1/${i.type}/${i.token}/`,
      routes: i.routes.map((r) => ({ id: r.id, escalation_chain: r.escalationChainId })),
    }));
  }

  /** Posts an Alertmanager-shaped demo alert to the integration's own URL, as an alert source would. */
  @Post('console/api/integrations/:id/send_demo_alert')
  @HttpCode(200)
  async demo(@Param('id') id: string) {
    const i = this.rt.config.integrations.find((x) => x.id === id);
    if (!i) throw new HttpException({ detail: 'Not found.' }, HttpStatus.NOT_FOUND);
    const now = new Date().toISOString();
    const key = `demo-${Date.now()}`;
    const labels = { alertname: 'DozorDemoAlert', severity: 'info', source: 'console' };
    const body = {
      receiver: 'dozor',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: 'A demo alert sent from the Dozor console' },
          startsAt: now,
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: key,
        },
      ],
      groupLabels: { alertname: 'DozorDemoAlert' },
      commonLabels: labels,
      commonAnnotations: { summary: 'A demo alert sent from the Dozor console' },
      externalURL: this.rt.settings.publicUrl,
      version: '4',
      groupKey: `{}:{alertname="DozorDemoAlert",demo="${key}"}`,
      truncatedAlerts: 0,
    };
    const url = `${this.rt.settings.publicUrl}/integrations/v1/${i.type}/${i.token}/`;
    let status: number;
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      status = r.status;
    } catch (err) {
      throw new HttpException({ detail: `The integration URL did not answer (${(err as Error).message}); is DOZOR_PUBLIC_URL right?` }, HttpStatus.BAD_GATEWAY);
    }
    if (status >= 300) throw new HttpException({ detail: `The integration answered ${status}.` }, HttpStatus.BAD_GATEWAY);
    return { ok: true };
  }

  @Get('console/api/escalation_chains')
  chains() {
    return this.rt.config.escalationChains.map((c) => ({ id: c.id, name: c.name, steps: c.steps }));
  }

  @Get('console/api/users')
  async users() {
    const t = this.store.topology;
    return Promise.all(
      this.rt.config.users.map(async (u) => {
        let linked: string | null = u.telegramUserId;
        for (const c of await this.store.readSubject(subjects.user(t, u.id))) {
          for (const e of c.events) if (e.type === 'TelegramAccountLinked') linked = e.data.telegramUserId;
        }
        return { id: u.id, name: u.name, email: u.email, telegram: { linked: linked !== null, telegram_user_id: linked } };
      }),
    );
  }

  /** `{code, expires_at, url}`: the link signs in once, within 10 minutes. */
  @Post('api/v1/users/:id/console_login_code')
  @HttpCode(201)
  async loginCode(@Param('id') id: string, @Req() req: FastifyRequest) {
    const user = ID.test(id) ? this.rt.config.users.find((u) => u.id === id) : undefined;
    if (!user)
      throw new HttpException({ detail: `No user with id ${JSON.stringify(id)}: users are defined in dozor.yaml (users[].id).` }, HttpStatus.NOT_FOUND);
    const s = requestSession(req);
    const actor = s && s.userId !== 'api' ? { kind: 'user' as const, id: s.userId, name: s.name } : API_ACTOR;
    const { code, expiresAt } = await mintConsoleLoginCode(this.store, user.id, { now: new Date(), actor, source: 'api' });
    return { code, expires_at: expiresAt, url: `${this.rt.settings.publicUrl}/login?code=${code}` };
  }
}
