/**
 * Alertmanager label matchers: `name="v"`, `name!="v"`, `name=~"re"`,
 * `name!~"re"`. Regexes are RE2 syntax, anchored at both ends like
 * Alertmanager's, and run on Dozor's linear-time engine. A missing label
 * has the value "" (so `team!="db"` matches alerts without `team`).
 */
import { LinearRegex, RegexSyntaxError } from '@dozor/templates/regex';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  /** Present for `=~` and `!~`. */
  readonly regex?: LinearRegex;
}

export class MatcherSyntaxError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function unquote(raw: string): string {
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i];
    if (e === 'n') out += '\n';
    else if (e === '\\' || e === '"') out += e;
    else throw new MatcherSyntaxError(`invalid escape \\${e} in ${raw}`);
  }
  return out;
}

/** Splits `a="x", b=~"y|z"` (optionally in braces) at commas outside quotes. */
function splitList(input: string): string[] {
  let s = input.trim();
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw new MatcherSyntaxError(`missing closing } in ${JSON.stringify(input)}`);
    s = s.slice(1, -1);
  }
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) {
      cur += c + (s[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === ',' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw new MatcherSyntaxError(`unterminated quote in ${JSON.stringify(input)}`);
  parts.push(cur);
  const trimmed = parts.map((p) => p.trim());
  if (trimmed.length > 1 && trimmed[trimmed.length - 1] === '') trimmed.pop();
  if (trimmed.some((p) => p === '')) throw new MatcherSyntaxError(`empty matcher in ${JSON.stringify(input)}`);
  return trimmed;
}

export function parseMatcher(input: string): LabelMatcher {
  const m = /^("(?:[^"\\]|\\.)*"|[^\s=!~"]+)\s*(=~|!~|!=|=)\s*(.*)$/s.exec(input.trim());
  if (!m) throw new MatcherSyntaxError(`expected name, operator (=, !=, =~, !~) and value in ${JSON.stringify(input)}`);
  const [, rawName, op, rawValue] = m;
  const name = rawName.startsWith('"') ? unquote(rawName) : rawName;
  if (!rawName.startsWith('"') && !NAME.test(name)) throw new MatcherSyntaxError(`invalid label name ${JSON.stringify(name)}`);
  let value: string;
  if (rawValue.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/s.test(rawValue)) throw new MatcherSyntaxError(`unterminated or invalid quoted value in ${JSON.stringify(input)}`);
    value = unquote(rawValue);
  } else {
    if (/["{}]/.test(rawValue)) throw new MatcherSyntaxError(`value must be quoted in ${JSON.stringify(input)}`);
    value = rawValue;
  }
  const matchOp = op as MatchOp;
  if (matchOp === '=~' || matchOp === '!~') {
    try {
      return { name, op: matchOp, value, regex: new LinearRegex(value, { flavor: 're2', anchor: 'full' }) };
    } catch (e) {
      if (e instanceof RegexSyntaxError) throw new MatcherSyntaxError(`invalid regex in ${JSON.stringify(input)}: ${e.message}`);
      throw e;
    }
  }
  return { name, op: matchOp, value };
}

/** Parses one config entry, which may hold several comma-separated matchers. */
export function parseMatchers(input: string): LabelMatcher[] {
  if (input.trim() === '' || /^\{\s*\}$/.test(input.trim())) throw new MatcherSyntaxError('empty matcher');
  return splitList(input).map(parseMatcher);
}

export function matches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return (m.regex as LinearRegex).test(value);
    case '!~':
      return !(m.regex as LinearRegex).test(value);
    default: {
      const never: never = m.op;
      throw new Error(`unknown matcher operator ${String(never)}`);
    }
  }
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
