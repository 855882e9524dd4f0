import { describe, expect, it } from 'vitest';
import { addressRefusal, classifyAddress, hostAllowed, parseAllowList, parseIpv6, type AddressClass } from './ssrf.js';

describe('classifyAddress', () => {
  const table: [string, AddressClass][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::1', 'private'],
    ['fc12:3456::9', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['[2606:4700:4700::1111]', 'public'],
    // IPv6 forms that carry an IPv4 address are judged by it.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:0808:0808::1', 'public'],
    ['localhost', 'invalid'],
    ['1.2.3', 'invalid'],
    ['01.2.3.4', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['1::2::3', 'invalid'],
  ];
  it.each(table)('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('parses every IPv6 spelling of one address alike', () => {
    expect(parseIpv6('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(parseIpv6('2001:db8::1'));
    expect(parseIpv6('::ffff:1.2.3.4')).toBe(parseIpv6('::ffff:102:304'));
  });
});

describe('the allow-list', () => {
  const allow = parseAllowList('127.0.0.0/8, ::1, 10.20.0.0/16, hooks.internal');
  const table: [string, boolean][] = [
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.20.3.4', true],
    ['10.21.3.4', false],
    ['192.168.1.1', false],
    ['fe80::1', false],
    ['8.8.8.8', true],
  ];
  it.each(table)('%s allowed: %s', (address, ok) => {
    expect(addressRefusal(address, allow) === null).toBe(ok);
  });

  it('names the class and the setting when it refuses', () => {
    expect(addressRefusal('169.254.169.254', [])).toBe('169.254.169.254 is a link-local address (not allowed for outgoing webhooks; see DOZOR_WEBHOOK_ALLOW)');
  });

  it('allows host names by name', () => {
    expect(hostAllowed('Hooks.Internal.', allow)).toBe(true);
    expect(hostAllowed('other.internal', allow)).toBe(false);
  });

  it('rejects bad entries with their text', () => {
    expect(() => parseAllowList('10.0.0.0/33')).toThrow('bad prefix length in "10.0.0.0/33"');
    expect(() => parseAllowList('a b')).toThrow('"a b" is not a CIDR, address or host name');
    expect(parseAllowList(' , ')).toEqual([]);
  });
});
