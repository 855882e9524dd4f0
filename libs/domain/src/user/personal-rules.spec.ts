import { describe, expect, it } from 'vitest';
import type { DozorEvent } from '@dozor/contracts';
import { effectiveRules, evolvePersonalRules, initialPersonalRulesState, MAX_PERSONAL_RULES, personalRulesDecider } from './personal-rules.js';

const changed = (important: boolean, rules: unknown[]): DozorEvent =>
  ({ type: 'PersonalNotificationRulesChanged', data: { userId: 'alice', important, rules }, metadata: {} }) as unknown as DozorEvent;

describe('personal notification rules over the API (user aggregate)', () => {
  const tg = { type: 'notify_by_telegram' as const };
  const wait = { type: 'wait' as const, seconds: 120 };

  it('sets a whole list; the other list stays with dozor.yaml (null)', () => {
    const d = personalRulesDecider.decide({ type: 'SetPersonalRules', userId: 'alice', important: false, rules: [tg, wait, tg] }, initialPersonalRulesState());
    expect(d).toEqual({ events: [{ type: 'PersonalNotificationRulesChanged', data: { userId: 'alice', important: false, rules: [tg, wait, tg] } }] });
    const s = evolvePersonalRules(initialPersonalRulesState(), changed(false, [tg, wait, tg]));
    expect(s).toEqual({ default: [tg, wait, tg], important: null });
  });

  it('the same list again appends nothing', () => {
    const s = evolvePersonalRules(initialPersonalRulesState(), changed(true, [tg]));
    expect(personalRulesDecider.decide({ type: 'SetPersonalRules', userId: 'alice', important: true, rules: [tg] }, s)).toEqual({ events: [] });
  });

  it('an empty list is a change too: it means the fallback (one message), not dozor.yaml', () => {
    const s = evolvePersonalRules(initialPersonalRulesState(), changed(false, []));
    expect(effectiveRules([tg, wait, tg], s.default)).toEqual([]);
    expect(effectiveRules([tg, wait, tg], s.important)).toEqual([tg, wait, tg]);
  });

  it('refuses waits out of range and over-long lists, naming the rule', () => {
    const bad = personalRulesDecider.decide(
      { type: 'SetPersonalRules', userId: 'alice', important: false, rules: [tg, { type: 'wait', seconds: 0 }] },
      initialPersonalRulesState(),
    );
    expect(bad).toMatchObject({ rejected: { code: 'bad_request', message: expect.stringMatching(/rule 1: a wait is 1 to 86400 seconds/) } });
    const long = Array.from({ length: MAX_PERSONAL_RULES + 1 }, () => tg);
    expect(
      personalRulesDecider.decide({ type: 'SetPersonalRules', userId: 'alice', important: false, rules: long }, initialPersonalRulesState()),
    ).toMatchObject({
      rejected: { code: 'bad_request' },
    });
  });
});
