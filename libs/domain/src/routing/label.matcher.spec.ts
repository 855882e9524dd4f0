import { describe, expect, it } from 'vitest';
import { matches, MatcherSyntaxError, parseMatcher, parseMatchers } from './label.matcher.js';
import { payloadLabels } from './payload-labels.lookup.js';

const labels: Record<string, string> = { severity: 'critical', team: 'sre', alertname: 'DiskFull', instance: 'db-01:9100', empty: '' };
const lookup = (name: string): string => labels[name] ?? '';

describe('Alertmanager label matchers', () => {
  it.each([
    ['severity="critical"', true],
    ['severity="Critical"', false],
    ['severity!="critical"', false],
    ['team!="db"', true],
    ['missing!="db"', true],
    ['missing=""', true],
    ['empty=""', true],
    ['severity=~"critical|warning"', true],
    ['severity=~"crit"', false],
    ['severity=~"crit.*"', true],
    ['severity=~".*tic.*"', true],
    ['severity!~"warn.*"', true],
    ['severity!~"crit.*"', false],
    ['a!~"x.*"', true],
    ['missing=~".*"', true],
    ['missing=~".+"', false],
    ['instance=~"db-\\\\d+:9100"', true],
    ['instance=~"db-[0-9]+"', false],
    ['alertname=~"(?i)diskfull"', true],
    ['severity=critical', true],
    [' severity = "critical" ', true],
    ['"severity"="critical"', true],
    ['alertname=~"Disk(Full|Slow)"', true],
  ])('%s → %s', (src, expected) => {
    const [m] = parseMatchers(src);
    expect(matches(m, lookup(m.name))).toBe(expected);
  });

  it('reads a list of matchers in one entry, with braces and a trailing comma', () => {
    const ms = parseMatchers('{severity=~"critical|warning", team!="db",}');
    expect(ms.map((m) => [m.name, m.op, m.value])).toEqual([
      ['severity', '=~', 'critical|warning'],
      ['team', '!=', 'db'],
    ]);
    expect(ms.every((m) => matches(m, lookup(m.name)))).toBe(true);
  });

  it('unquotes values', () => {
    expect(parseMatcher('msg="say \\"hi\\"\\n"').value).toBe('say "hi"\n');
    expect(parseMatcher('a="x,y"').value).toBe('x,y');
    expect(parseMatchers('a="x,y", b="z"').length).toBe(2);
  });

  it.each(['', 'severity', 'severity=="x"', '1abc="x"', 'a="unterminated', 'a=~"("', 'a=~"(a)\\\\1"', 'a="x",,b="y"', '{}', 'a="\\q"', 'a=x"y'])(
    'rejects %j',
    (src) => {
      expect(() => parseMatchers(src)).toThrow(MatcherSyntaxError);
    },
  );

  it('looks labels up in commonLabels, then groupLabels, then the first alert', () => {
    const get = payloadLabels({
      commonLabels: { severity: 'warning' },
      groupLabels: { severity: 'critical', job: 'node' },
      alerts: [{ labels: { job: 'x', instance: 'a', severity: 'info' } }, { labels: { instance: 'b' } }],
    });
    expect(get('severity')).toBe('warning');
    expect(get('job')).toBe('node');
    expect(get('instance')).toBe('a');
    expect(get('missing')).toBe('');
    expect(get('constructor')).toBe('');
    expect(get('__proto__')).toBe('');
    expect(payloadLabels(null)('a')).toBe('');
    expect(payloadLabels({ commonLabels: 'nope', alerts: 'nope' })('a')).toBe('');
  });
});
