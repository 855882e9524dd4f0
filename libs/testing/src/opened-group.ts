import { subjects, SYSTEM_ACTORS, type AlertGroupCreatedData, type AlertmanagerPayload, type AlertSummary, type NewEvent } from '@dozor/contracts';
import { ExpectedVersion, type EventStore } from '@dozor/eventstore';

/** What differs between the groups a spec opens; the rest is the demo config's Alertmanager integration and default route. */
export interface OpenedGroupOptions {
  /** The payload of the group's first alert: its group key, labels and annotations become the group's. */
  payload: AlertmanagerPayload;
  title: string;
  severity: string | null;
  /** The first alert's title (default: the group's). */
  alertTitle?: string;
  /** Overrides of AlertGroupCreated (grouping key, chain, integration, route). */
  group?: Partial<Pick<AlertGroupCreatedData, 'groupingKey' | 'escalationChainId' | 'integrationId' | 'routeId'>>;
  /** Overrides of the first alert's receipt id (default `r1`), firing list and receive time. */
  alert?: Partial<Pick<AlertSummary, 'alertId' | 'firing' | 'receivedAt'>>;
}

/**
 * AlertGroupCreated and the group's first AlertAdded for `<key>-1`, as the
 * router appends them for one Alertmanager payload: what a spec of a service
 * downstream of the router starts from without running the router.
 */
export function openedGroupEvents(key: string, o: OpenedGroupOptions): NewEvent[] {
  const alertGroupId = `${key}-1`;
  const receiptId = o.alert?.alertId ?? 'r1';
  return [
    {
      type: 'AlertGroupCreated',
      data: {
        alertGroupId,
        aggregateKey: key,
        integrationId: 'alertmanager-main-integration',
        groupingKey: o.payload.groupKey,
        routeId: 'default',
        escalationChainId: 'demo-critical-escalation-chain',
        title: o.title,
        severity: o.severity,
        groupLabels: o.payload.groupLabels,
        commonLabels: o.payload.commonLabels,
        commonAnnotations: o.payload.commonAnnotations,
        sourceLink: null,
        ...o.group,
      },
    },
    {
      type: 'AlertAdded',
      data: {
        alertGroupId,
        receiptId,
        alert: {
          alertId: receiptId,
          status: 'firing',
          firing: [],
          resolved: [],
          title: o.alertTitle ?? o.title,
          receivedAt: new Date().toISOString(),
          ...o.alert,
        },
        payload: o.payload,
      },
    },
  ];
}

/** Appends `events` to the new alert-group subject of `key` as the router does (the subject must not exist yet). */
export async function appendAsRouter(store: EventStore, key: string, events: NewEvent[]): Promise<void> {
  await store.append(subjects.alertGroup(store.topology, key), events, { expected: ExpectedVersion.noStream, actor: SYSTEM_ACTORS.router, source: 'system' });
}
