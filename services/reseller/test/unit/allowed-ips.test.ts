import { isIpOrCidr } from '../../src/http/api-key.schemas';

describe('allowed IP entries', () => {
  it.each(['203.0.113.7', '10.0.0.0/8', '0.0.0.0/0', '192.168.1.0/32', '::1', '2001:db8::/32', '2001:db8::1/128'])('accepts %s', (value) => {
    expect(isIpOrCidr(value)).toBe(true);
  });

  it.each(['', 'example.com', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '256.0.0.1', '10.0.0.0/ 8'])(
    'rejects %p',
    (value) => {
      expect(isIpOrCidr(value)).toBe(false);
    },
  );
});
