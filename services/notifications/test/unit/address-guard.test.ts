// The SSRF guard's judgement of addresses and endpoint URLs (issue 17 item 4, S7), without I/O.
import { addressRefusal, literalAddress } from '../../src/domain/address-guard';
import { checkEndpointUrl } from '../../src/domain/endpoint-url';

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe('addressRefusal', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.3.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
  ])('refuses %s (%s)', (address, why) => {
    expect(addressRefusal(address, strict)).toContain(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('allows the public address %s', (address) => {
    expect(addressRefusal(address, strict)).toBeNull();
  });

  it('allows loopback, and only loopback, with the dev flag', () => {
    expect(addressRefusal('127.0.0.1', dev)).toBeNull();
    expect(addressRefusal('::1', dev)).toBeNull();
    expect(addressRefusal('::ffff:127.0.0.1', dev)).toBeNull();
    expect(addressRefusal('10.0.0.1', dev)).toContain('private');
    expect(addressRefusal('169.254.169.254', dev)).toContain('metadata');
  });

  it('reads decimal, octal and hex IPv4 forms as the URL parser does (to a dotted quad)', () => {
    for (const host of ['2130706433', '0x7f000001', '0177.0.0.1', '0x7f.1', '127.1']) {
      const literal = literalAddress(new URL(`https://${host}/`).hostname);
      expect(literal).toBe('127.0.0.1');
      expect(addressRefusal(literal!, strict)).toContain('loopback');
    }
    expect(literalAddress(new URL('https://[::ffff:127.0.0.1]/').hostname)).toBe('::ffff:7f00:1');
    expect(literalAddress('hooks.example.com')).toBeNull();
  });
});

describe('checkEndpointUrl', () => {
  it('takes https, and plain http only on loopback with the dev flag', () => {
    expect(checkEndpointUrl('https://hooks.example.com/x', false)).toBe('https://hooks.example.com/x');
    expect(checkEndpointUrl('http://127.0.0.1:8080/x', true)).toBe('http://127.0.0.1:8080/x');
    expect(checkEndpointUrl('http://localhost:8080/x', true)).toBe('http://localhost:8080/x');
    expect(() => checkEndpointUrl('http://127.0.0.1:8080/x', false)).toThrow(/https/);
    expect(() => checkEndpointUrl('http://hooks.example.com/x', true)).toThrow(/loopback only/);
    expect(() => checkEndpointUrl('ftp://hooks.example.com/x', true)).toThrow(/https/);
    expect(() => checkEndpointUrl('https://10.0.0.1/x', true)).toThrow(/private/);
  });
});
