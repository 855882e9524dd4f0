import { describe, expect, it } from 'vitest';
import type { DozorEvent } from '@dozor/contracts';
import { defineRotation, defineSchedule, initialScheduleState, scheduleDecider, type ScheduleDef } from '@dozor/domain';
import { canonicalJson, configureCommand, definitionSha256, redactUrl, redactedDefinition, scheduleToken } from './schedule-definition.js';
import { feedSpecs } from '../ical/ical-feeds.js';

const def: ScheduleDef = defineSchedule({
  id: 'ops',
  rotations: [defineRotation({ id: 'r', frequency: 'daily', start: '2030-01-01T00:00', duration: 86400, rollingUsers: [['alice'], ['bob']] })],
});

describe('the configure command', () => {
  it('carries the sha256 of the whole definition and the definition as JSON', () => {
    expect(configureCommand(def, 'dozor.yaml')).toEqual({
      type: 'ConfigureSchedule',
      scheduleId: 'ops',
      definitionSha256: definitionSha256(def),
      definition: JSON.parse(JSON.stringify(def)),
      origin: 'dozor.yaml',
    });
  });

  it('keeps the secret parts of iCal URLs out of the event, yet notices when they change', () => {
    const ical = defineSchedule({
      id: 'cal',
      type: 'ical',
      ical: {
        url: 'https://calendar.example.com/ical/team/private-abc123/basic.ics?x=1',
        file: null,
        overridesUrl: null,
        overridesFile: null,
        refreshSeconds: 600,
      },
    });
    const cmd = configureCommand(ical, 'dozor.yaml');
    expect(JSON.stringify(cmd.definition)).not.toContain('abc123');
    expect((cmd.definition as unknown as ScheduleDef).ical!.url).toBe('https://calendar.example.com/…');
    const rotated = { ...ical, ical: { ...ical.ical!, url: 'https://calendar.example.com/ical/team/private-def456/basic.ics?x=1' } };
    const d = scheduleDecider.decide(cmd, initialScheduleState());
    if (!('events' in d)) throw new Error('rejected');
    const metadata = {
      eventId: 'e1',
      occurredAt: '2030-01-01T00:00:00.000Z',
      actor: { kind: 'system', id: 'spec' },
      source: 'system',
      causationId: null,
      correlationId: 'e1',
      traceparent: null,
    };
    const after = scheduleDecider.evolve(initialScheduleState(), { ...d.events[0]!, schemaVersion: 1, metadata } as DozorEvent);
    expect(scheduleDecider.decide(configureCommand(rotated, 'dozor.yaml'), after)).toEqual({
      events: [expect.objectContaining({ type: 'ScheduleConfigured' })],
    });
  });
});

describe('iCal feeds from the config', () => {
  it('reads feeds from the config, files relative to the config file', () => {
    const cal = defineSchedule({
      id: 'cal',
      type: 'ical',
      ical: { url: null, file: 'team.ics', overridesUrl: 'webcal://x.example/o.ics', overridesFile: null, refreshSeconds: 60 },
    });
    expect(feedSpecs([def, cal], '/etc/dozor/dozor.yaml')).toEqual([
      { scheduleId: 'cal', feed: 'primary', url: null, file: '/etc/dozor/team.ics', refreshMs: 60_000 },
      { scheduleId: 'cal', feed: 'overrides', url: 'webcal://x.example/o.ics', file: null, refreshMs: 60_000 },
    ]);
  });
});

describe('definition helpers', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe(canonicalJson({ a: [{ c: null, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('redacts URLs to scheme and host', () => {
    expect(redactUrl('https://user:pw@cal.example.com:8443/a/b.ics?token=1')).toBe('https://cal.example.com:8443/…');
    expect(redactUrl('https://cal.example.com/')).toBe('https://cal.example.com/');
    expect(redactUrl(redactUrl('https://cal.example.com/x'))).toBe('https://cal.example.com/…');
    expect(redactUrl(null)).toBeNull();
    expect(redactedDefinition(def)).toBe(def);
  });

  it('maps any schedule id to one subject token', () => {
    expect(scheduleToken('demo-critical-alerts-schedule')).toBe('demo-critical-alerts-schedule');
    expect(scheduleToken('Team A.primary')).toMatch(/^x-[a-z2-7]{26}$/);
    expect(scheduleToken('Team A.primary')).toBe(scheduleToken('Team A.primary'));
    expect(scheduleToken('Team A.primary')).not.toBe(scheduleToken('Team A primary'));
  });
});
