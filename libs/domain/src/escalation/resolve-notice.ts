import type { DozorEvent } from '@dozor/contracts';

/**
 * Who gets a resolve notice (OnCall #3984): every user a page of this group
 * reached (a NotificationSent), once each, in the order they were first
 * paged. Chat posts (`chat|<chatId>` recipients) are not users and are left
 * out, as is whoever resolved the group (`except`): they know.
 */
export function resolveNoticeRecipients(events: readonly DozorEvent[], alertGroupId: string, except: string | null = null): string[] {
  const out = new Set<string>();
  for (const e of events)
    if (e.type === 'NotificationSent' && e.data.alertGroupId === alertGroupId && !e.data.userId.startsWith('chat|') && e.data.userId !== except)
      out.add(e.data.userId);
  return [...out];
}
