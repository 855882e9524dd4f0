import { describe, expect, it } from 'vitest';
import { LinearRegex, regexSub, RegexStepLimit, RegexSyntaxError, requiredLiteral } from './regex.engine.js';
import { parseRegex } from './regex.parser.js';

describe('linear-time regex engine', () => {
  it.each([
    ['(a+)+$', 'b'],
    ['^(a|a)*c', 'bc'],
    ['^(a*)*b', 'cb'],
    ['^(.*a){12}$', 'b'],
    ['^(\\w+\\s?)*$', '!'],
  ])('%s over "a…a%s" is linear: work grows with the input, not exponentially', (pattern, tail) => {
    const re = new LinearRegex(pattern);
    const steps = [1_000, 10_000, 100_000].map((n) => {
      expect(re.test(`${'a'.repeat(n)}${tail}`)).toBe(false);
      expect(re.lastSteps).toBeLessThanOrEqual((n + 2) * 2 * re.programSize);
      return re.lastSteps;
    });
    expect(steps[2] / steps[1]).toBeGreaterThan(8);
    expect(steps[2] / steps[1]).toBeLessThan(12);
  });

  it('stops a call at the step limit of its meter', () => {
    const re = new LinearRegex('(a+)+$');
    let charged = 0;
    expect(() => re.test(`${'a'.repeat(10_000)}b`, { remaining: () => 5_000, charge: (n) => (charged += n) })).toThrow(RegexStepLimit);
    expect(charged).toBeGreaterThan(5_000);
    expect(charged).toBeLessThan(5_000 + 2 * re.programSize + 10);
  });

  it.each([
    ['search', 'b', 'abc', true],
    ['match anchors at the start', '^b', 'abc', false],
    ['$ before a final newline (Python)', 'c$', 'abc\n', true],
    ['\\Z only at the end', 'c\\Z', 'abc\n', false],
    ['multiline', '(?m)^b', 'a\nb', true],
    ['dot excludes newline', 'a.b', 'a\nb', false],
    ['dotall', '(?s)a.b', 'a\nb', true],
    ['ignorecase', '(?i)HELLO', 'hello', true],
    ['unicode \\w', '^\\w+$', 'Grüße', true],
    ['ascii flag', '(?a)^\\w+$', 'Grüße', false],
    ['word boundary', '\\bfox\\b', 'the fox.', true],
    ['counted', '^a{2,3}$', 'aaaa', false],
    ['class with escapes', '^[\\d.]+$', '1.2.3', true],
    ['negated class', '^[^,]+$', 'a,b', false],
    ['lazy then literal', '<.+?>', 'a<b>c', true],
    ['astral code points', '^.$', '😀', true],
  ])('%s: /%s/ on %j → %s', (_name, pattern, input, expected) => {
    expect(new LinearRegex(pattern).test(input)).toBe(expected);
  });

  it('captures with leftmost-first priority, like Python re', () => {
    expect(new LinearRegex('(a|ab)(c|bcd)').exec('abcd')).toEqual([0, 4, 0, 1, 1, 4]);
    expect(new LinearRegex('(a+?)(a*)').exec('aaa')).toEqual([0, 3, 0, 1, 1, 3]);
    expect(new LinearRegex('(x)?b').exec('ab')).toEqual([1, 2, -1, -1]);
    expect(new LinearRegex('(?P<y>\\d+)-(?P<m>\\d+)').names.get('m')).toBe(2);
  });

  it('substitutes like re.sub, empty matches included', () => {
    expect(regexSub(new LinearRegex('x*'), '-', 'abxd')).toBe('-a-b--d-');
    expect(regexSub(new LinearRegex('\\b'), '|', 'one two')).toBe('|one| |two|');
    expect(regexSub(new LinearRegex('(\\w+) (\\w+)'), '\\2 \\1', 'a b c d')).toBe('b a d c');
    expect(regexSub(new LinearRegex('(?P<k>\\w)=(?P<v>\\w)'), '\\g<v>=\\g<k>\\g<0>', 'k=v')).toBe('v=kk=v');
    expect(regexSub(new LinearRegex('a'), 'b', 'aaa', 2)).toBe('bba');
    expect(() => regexSub(new LinearRegex('a'), '\\2', 'a')).toThrow(RegexSyntaxError);
  });

  it.each(['(a)\\1', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(?P<n>a)(?P=n)', '(?>a)', 'a*+', '(', 'a{2,1}', '[b-a]', '\\q', '*a', 'a**'])(
    'rejects /%s/ at compile time',
    (pattern) => {
      expect(() => new LinearRegex(pattern)).toThrow(RegexSyntaxError);
    },
  );

  it('refuses programs too large to run in bounded time', () => {
    expect(() => new LinearRegex('(a{1000}){1000}')).toThrow(/too large/);
  });

  it('RE2 flavour, fully anchored, for Alertmanager matchers', () => {
    const re = new LinearRegex('critical|warning', { flavor: 're2', anchor: 'full' });
    expect(re.test('critical')).toBe(true);
    expect(re.test('warning')).toBe(true);
    expect(re.test('xcritical')).toBe(false);
    expect(re.test('critical\n')).toBe(false);
    expect(new LinearRegex('[[:alpha:]]+', { flavor: 're2', anchor: 'full' }).test('abc')).toBe(true);
    expect(new LinearRegex('\\pL+', { flavor: 're2', anchor: 'full' }).test('Grüße')).toBe(true);
  });

  it('knows the literal every match must contain (prefilter)', () => {
    expect(requiredLiteral(parseRegex('"severity": "critical"', 'python').node)).toBe('"severity": "critical"');
    expect(requiredLiteral(parseRegex('team.*(db|api)-prod', 'python').node)).toBe('-prod');
    expect(requiredLiteral(parseRegex('(?i)critical', 'python').node)).toBe('');
    const re = new LinearRegex('"alertname": "Flapping\\w+"');
    expect(re.test('{"alertname": "AlwaysFiringTest"}')).toBe(false);
    expect(re.lastSteps).toBe(0);
  });
});
