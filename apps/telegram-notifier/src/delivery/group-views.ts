import { Injectable } from '@nestjs/common';
import { subjects, type DozorEvent } from '@dozor/contracts';
import { alertGroupDecider, type AlertGroupAggregate } from '@dozor/domain';
import { AggregateRepository, EventStore } from '@dozor/eventstore';
import { Runtime } from '@dozor/platform';
import type { GroupView } from '../telegram/index.js';
import { renderTelegramTemplates, type RenderedTelegram } from './telegram.templates.js';
import { viewOf } from './group-view.js';
import type { BundleMember } from './bundle-message.js';

/** The alert-group aggregate plus the current group's telegram_title/telegram_message, rendered once from its first alert. */
export interface NotifierGroupState {
  agg: AlertGroupAggregate;
  telegram: { alertGroupId: string; rendered: RenderedTelegram } | null;
}

export function evolveNotifierGroup(s: NotifierGroupState, e: DozorEvent, runtime: Pick<Runtime, 'config' | 'settings'>): NotifierGroupState {
  const agg = alertGroupDecider.evolve(s.agg, e);
  const g = s.agg.current;
  if (e.type !== 'AlertAdded' || !g || g.alertGroupId !== e.data.alertGroupId || g.alertsCount !== 0) return agg === s.agg ? s : { ...s, agg };
  const integration = runtime.config.integrations.find((i) => i.id === g.integrationId);
  const rendered = integration
    ? renderTelegramTemplates(integration, g, e.data.payload, { publicUrl: runtime.settings.publicUrl, now: Date.parse(e.metadata.occurredAt) })
    : null;
  return { agg, telegram: rendered ? { alertGroupId: g.alertGroupId, rendered } : null };
}

@Injectable()
export class NotifierGroupReader extends AggregateRepository<NotifierGroupState> {
  constructor(store: EventStore, runtime: Runtime) {
    super(store, { initialState: () => ({ agg: alertGroupDecider.initialState(), telegram: null }), evolve: (s, e) => evolveNotifierGroup(s, e, runtime) });
  }
}

/** The Telegram views of alert groups, read from their subjects (cached by the reader). */
@Injectable()
export class GroupViews {
  constructor(
    private readonly groups: NotifierGroupReader,
    private readonly runtime: Runtime,
  ) {}

  /** The group's view, or null when it is not the current generation of its grouping key. */
  async current(aggregateKey: string, alertGroupId: string): Promise<GroupView | null> {
    const { state } = await this.groups.load(subjects.alertGroup(this.runtime.settings.topology, aggregateKey));
    return viewOf(state.agg, alertGroupId, this.runtime.config, state.telegram);
  }

  async members(members: readonly { alertGroupId: string; aggregateKey: string }[]): Promise<BundleMember[]> {
    return Promise.all(members.map(async (m) => ({ alertGroupId: m.alertGroupId, view: await this.current(m.aggregateKey, m.alertGroupId) })));
  }
}
