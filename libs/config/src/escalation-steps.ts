import {
  durationAt,
  failAt,
  objectAt,
  listAt,
  describeValue,
  type ConfigPath,
  type EscalationStep,
  type EscalationStepKind,
  type RawObject,
} from '@dozor/contracts';
import { isValidTimeZone, timeOfDayMs } from '@dozor/domain';

/**
 * Escalation chain steps in dozor.yaml, in either of two spellings:
 *
 *   - type: notify_persons            Grafana OnCall's public API: `type` and
 *     persons_to_notify: [alice]      its field names
 *     important: true
 *   - notify_persons: [alice]         the short form: the kind as the key, its
 *     important: true                 main field as the value (or a mapping)
 */
export const ESCALATION_STEP_KINDS = [
  'wait',
  'notify_persons',
  'notify_person_next_each_time',
  'notify_on_call_from_schedule',
  'notify_user_group',
  'notify_team_members',
  'notify_whole_channel',
  'trigger_webhook',
  'resolve',
  'notify_if_time_from_to',
  'notify_if_num_alerts_in_window',
  'repeat_escalation',
] as const satisfies readonly EscalationStepKind[];

/** Kinds with an important variant in OnCall (`important: true`). */
const IMPORTANT_KINDS = new Set<EscalationStepKind>([
  'notify_persons',
  'notify_person_next_each_time',
  'notify_on_call_from_schedule',
  'notify_user_group',
  'notify_team_members',
]);

/** Each kind's fields (OnCall's names); the first is what the short form's value stands for. */
const FIELDS: Record<EscalationStepKind, readonly string[]> = {
  wait: ['duration'],
  notify_persons: ['persons_to_notify'],
  notify_person_next_each_time: ['persons_to_notify_next_each_time'],
  notify_on_call_from_schedule: ['notify_on_call_from_schedule'],
  notify_user_group: ['group_to_notify'],
  notify_team_members: ['team_to_notify'],
  notify_whole_channel: ['chat_id', 'message_thread_id'],
  trigger_webhook: ['action_to_trigger'],
  resolve: [],
  notify_if_time_from_to: ['notify_if_time_from', 'notify_if_time_to', 'time_zone'],
  notify_if_num_alerts_in_window: ['num_alerts_in_window', 'num_minutes_in_window'],
  repeat_escalation: ['from_step', 'limit'],
};

/** OnCall repeats an escalation at most 5 times. */
export const DEFAULT_REPEAT_LIMIT = 5;
const MAX_REPEAT_LIMIT = 100;
const MAX_WAIT_SECONDS = 7 * 86_400;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What steps may name: users, and user groups and teams with their members. */
export interface StepRefs {
  users: Set<string>;
  userGroups: Map<string, string[]>;
  teams: Map<string, string[]>;
}

const isKind = (k: string): k is EscalationStepKind => (ESCALATION_STEP_KINDS as readonly string[]).includes(k);
const kindList = () => ESCALATION_STEP_KINDS.join(', ');

/** One step; `index` is its 0-based position in the chain (a repeat must point before itself). */
export function parseStep(s: unknown, p: ConfigPath, index: number, refs: StepRefs): EscalationStep {
  const o = objectAt(s, p);
  const { kind, field } = spelling(o, p);
  if (o.important !== undefined && o.important !== false && !IMPORTANT_KINDS.has(kind)) {
    // Today's configs may carry `important` on a wait; OnCall has no important wait, so it stays ignored there.
    if (kind !== 'wait') failAt([...p, 'important'], `${kind} has no important variant`);
  }
  if (o.important !== undefined && typeof o.important !== 'boolean') failAt([...p, 'important'], 'must be true or false');
  const important = o.important === true;
  switch (kind) {
    case 'wait':
      return { kind, seconds: durationAt(field('duration', true).v, field('duration').p, MAX_WAIT_SECONDS) };
    case 'notify_persons':
    case 'notify_person_next_each_time': {
      const f = field(FIELDS[kind][0]!, true);
      const users = listAt(f.v, f.p).map((u, k) => {
        if (typeof u !== 'string' || !refs.users.has(u)) failAt([...f.p, k], `no user with id ${JSON.stringify(u)}`);
        return u as string;
      });
      if (kind === 'notify_person_next_each_time' && users.length === 0) failAt(f.p, 'needs at least one user to take turns');
      return { kind, users, important };
    }
    case 'notify_on_call_from_schedule': {
      const f = field('notify_on_call_from_schedule', true);
      if (typeof f.v !== 'string' || !ID.test(f.v)) failAt(f.p, 'must be a schedule id');
      // A schedule not declared here is allowed (it may come from another source); the step then records that nobody is on call.
      return { kind, schedule: f.v as string, important };
    }
    case 'notify_user_group': {
      const f = field('group_to_notify', true);
      const users = typeof f.v === 'string' ? refs.userGroups.get(f.v) : undefined;
      if (!users) failAt(f.p, `no user group with id ${describeValue(f.v)} (declare it under user_groups)`);
      return { kind, group: f.v as string, users: [...users], important };
    }
    case 'notify_team_members': {
      const f = field('team_to_notify', true);
      const users = typeof f.v === 'string' ? refs.teams.get(f.v) : undefined;
      if (!users) failAt(f.p, `no team with id ${describeValue(f.v)} (declare it under teams)`);
      return { kind, team: f.v as string, users: [...users], important };
    }
    case 'notify_whole_channel': {
      const chat = field('chat_id', true);
      const chatId = typeof chat.v === 'number' ? String(chat.v) : chat.v;
      if (typeof chatId !== 'string' || !/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/.test(chatId))
        failAt(chat.p, `must be a Telegram chat id (like -1001234567890) or a public @channel name, got ${describeValue(chat.v)}`);
      const thread = field('message_thread_id');
      if (thread.v === undefined) return { kind, chatId: chatId as string };
      if (typeof thread.v !== 'number' || !Number.isInteger(thread.v) || thread.v < 1) failAt(thread.p, 'must be a forum topic id (a whole number)');
      return { kind, chatId: chatId as string, messageThreadId: thread.v as number };
    }
    case 'trigger_webhook': {
      const f = field('action_to_trigger', true);
      if (typeof f.v !== 'string' || !ID.test(f.v)) failAt(f.p, 'must be the id of a webhook under webhooks');
      return { kind, webhookId: f.v as string };
    }
    case 'resolve':
      return { kind };
    case 'notify_if_time_from_to': {
      const zone = field('time_zone');
      const timeZone = zone.v === undefined ? 'UTC' : zone.v;
      if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))
        failAt(zone.p, `must be an IANA time zone such as Europe/Berlin, got ${describeValue(zone.v)}`);
      const time = (name: string): string => {
        const f = field(name, true);
        // OnCall writes UTC times as HH:MM:SSZ; a Z says UTC, so it only fits a UTC window.
        const text = typeof f.v === 'string' ? f.v.replace(/Z$/, '') : '';
        if (timeOfDayMs(text) === null) failAt(f.p, `must be a time of day HH:MM or HH:MM:SS, got ${describeValue(f.v)}`);
        if (typeof f.v === 'string' && f.v.endsWith('Z') && timeZone !== 'UTC') failAt(f.p, `ends in Z (UTC) but time_zone is ${timeZone}`);
        return text;
      };
      return { kind, from: time('notify_if_time_from'), to: time('notify_if_time_to'), timeZone: timeZone as string };
    }
    case 'notify_if_num_alerts_in_window': {
      const whole = (name: string, max: number): number => {
        const f = field(name, true);
        if (typeof f.v !== 'number' || !Number.isInteger(f.v) || f.v < 1 || f.v > max)
          failAt(f.p, `must be a whole number from 1 to ${max}, got ${describeValue(f.v)}`);
        return f.v as number;
      };
      return { kind, alerts: whole('num_alerts_in_window', 1000), minutes: whole('num_minutes_in_window', 7 * 1440) };
    }
    case 'repeat_escalation': {
      const from = field('from_step');
      const fromStep = from.v === undefined ? 1 : from.v;
      if (typeof fromStep !== 'number' || !Number.isInteger(fromStep) || fromStep < 1 || fromStep > index)
        failAt(from.p, index === 0 ? 'a repeat needs steps before it' : `must be the number of an earlier step, 1 to ${index}, got ${describeValue(from.v)}`);
      const lim = field('limit');
      const limit = lim.v === undefined ? DEFAULT_REPEAT_LIMIT : lim.v;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_REPEAT_LIMIT)
        failAt(lim.p, `must be a whole number of repeats from 1 to ${MAX_REPEAT_LIMIT}, got ${describeValue(lim.v)}`);
      return { kind, fromStep: (fromStep as number) - 1, limit: limit as number };
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

type Field = (name: string, required?: boolean) => { v: unknown; p: ConfigPath };

/** The step's kind and a reader of its fields (with the path a message should name), in either spelling. */
function spelling(o: RawObject, p: ConfigPath): { kind: EscalationStepKind; field: Field } {
  const reader = (fields: RawObject, base: ConfigPath, main: { name: string; value: unknown; path: ConfigPath } | null): Field => {
    return (name, required = false) => {
      const hit = main && main.name === name ? { v: main.value, p: main.path } : { v: fields[name], p: [...base, name] };
      if (required && (hit.v === undefined || hit.v === null)) failAt(hit.p, 'is required');
      return hit;
    };
  };
  if (o.type !== undefined) {
    const kind = String(o.type);
    if (!isKind(kind)) failAt([...p, 'type'], `unknown step type ${JSON.stringify(kind)}; expected one of ${kindList()}`);
    objectAt(o, p, ['type', 'important', ...FIELDS[kind]]);
    return { kind, field: reader(o, p, null) };
  }
  const keys = Object.keys(o).filter((k) => k !== 'important');
  if (keys.length !== 1) failAt(p, `a step is type: <kind> with its fields, or one of ${kindList()} as a key (plus optional important: true)`);
  const kind = keys[0]!;
  if (!isKind(kind)) return failAt([...p, kind], `unknown step kind; expected one of ${kindList()}`);
  const v = o[kind];
  const main = FIELDS[kind][0];
  // `resolve: true`, `repeat_escalation: true`: nothing more to say.
  if (v === true || v === null) return { kind, field: reader({}, [...p, kind], null) };
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const fields = objectAt(v, [...p, kind], FIELDS[kind]);
    return { kind, field: reader(fields, [...p, kind], null) };
  }
  if (main === undefined) failAt([...p, kind], `takes no value (write ${kind}: true)`);
  return { kind, field: reader({}, [...p, kind], { name: main, value: v, path: [...p, kind] }) };
}
