import { Inject, Injectable } from '@nestjs/common';
import { Between, DataSource, In, Raw, type FindOptionsWhere } from 'typeorm';
import type { AlertGroupState } from '@dozor/contracts';
import { AlertEntity, AlertGroupEntity, TelegramMessageEntity, TimelineEntryEntity } from '@dozor/projections';
import {
  serializeAlert,
  serializeGroup,
  serializeTimeline,
  telegramPermalink,
  type AlertGroupJson,
  type AlertJson,
  type TimelineJson,
} from './alert-group.serializer.js';

export interface AlertGroupFilter {
  id?: string;
  state?: AlertGroupState;
  integrationId?: string;
  routeId?: string;
  /** `started_at` range, both ends inclusive (OnCall's `__gte`/`__lte`). */
  startedAt?: { from: Date; to: Date };
  /** Every pair must be among the group's labels (OnCall's `label=key:value`, ANDed). */
  labels?: readonly (readonly [string, string])[];
}

/** Alerts shown in an alert group's detail: the latest ones, oldest first. */
export const DETAIL_ALERTS = 100;

/** Reads the projections. The tables may lag the log by a moment. */
@Injectable()
export class AlertGroupsReadModel {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async list(filter: AlertGroupFilter, offset: number, limit: number): Promise<{ count: number; results: AlertGroupJson[] }> {
    const where: FindOptionsWhere<AlertGroupEntity> = {};
    if (filter.id) where.id = filter.id;
    if (filter.state) where.state = filter.state;
    if (filter.integrationId) where.integrationId = filter.integrationId;
    if (filter.routeId) where.routeId = filter.routeId;
    if (filter.startedAt) where.createdAt = Between(filter.startedAt.from, filter.startedAt.to);
    if (filter.labels?.length) {
      const wanted: Record<string, string> = {};
      for (const [k, v] of filter.labels) {
        // one key asked with two values: no group has both
        if (Object.hasOwn(wanted, k) && wanted[k] !== v) return { count: 0, results: [] };
        wanted[k] = v;
      }
      where.commonLabels = Raw((column) => `${column} @> :labels::jsonb`, { labels: JSON.stringify(wanted) });
    }
    const [rows, count] = await this.ds.getRepository(AlertGroupEntity).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
    return { count, results: await this.serialize(rows) };
  }

  async get(id: string): Promise<(AlertGroupJson & { timeline: TimelineJson[]; alerts: AlertJson[] }) | null> {
    const g = await this.ds.getRepository(AlertGroupEntity).findOneBy({ id });
    if (!g) return null;
    const [[json], timeline, alerts] = await Promise.all([
      this.serialize([g]),
      this.ds.getRepository(TimelineEntryEntity).find({ where: { alertGroupId: id }, order: { seq: 'ASC', idx: 'ASC' } }),
      this.ds.getRepository(AlertEntity).find({ where: { alertGroupId: id }, order: { seq: 'DESC' }, take: DETAIL_ALERTS }),
    ]);
    return { ...json!, timeline: timeline.map(serializeTimeline), alerts: alerts.reverse().map(serializeAlert) };
  }

  private async serialize(groups: AlertGroupEntity[]): Promise<AlertGroupJson[]> {
    if (groups.length === 0) return [];
    const ids = groups.map((g) => g.id);
    const [lastAlerts, messages] = await Promise.all([
      this.ds
        .getRepository(AlertEntity)
        .createQueryBuilder('a')
        .distinctOn(['a.alert_group_id'])
        .where({ alertGroupId: In(ids) })
        .orderBy('a.alert_group_id')
        .addOrderBy('a.seq', 'DESC')
        .getMany(),
      this.ds.getRepository(TelegramMessageEntity).find({ where: { alertGroupId: In(ids) }, order: { seq: 'ASC' } }),
    ]);
    const last = new Map(lastAlerts.map((a) => [a.alertGroupId, a]));
    const links = new Map<string, string>();
    for (const m of messages) {
      const link = telegramPermalink(m.chatId, m.messageId);
      if (link && !links.has(m.alertGroupId)) links.set(m.alertGroupId, link);
    }
    return groups.map((g) => serializeGroup(g, { telegramLink: links.get(g.id) ?? null, lastAlert: last.get(g.id) ?? null }));
  }
}
