// SealedBox: what is sealed opens only under the same key and associated data, unaltered.
import { SealedBox, sealingKey } from '../../src/sealed-box';

const box = new SealedBox(sealingKey('a-configured-secret-of-32-characters!', 'test', 'purpose v1'));

it('opens what it sealed, and nothing sealed for another record, under another key, or altered', () => {
  const sealed = box.seal(Buffer.from('whsec_abc'), 'record-1');

  expect(sealed).not.toContain('whsec');
  expect(box.open(sealed, 'record-1')?.toString()).toBe('whsec_abc');
  expect(box.open(sealed, 'record-2')).toBeUndefined();
  expect(new SealedBox(sealingKey('another-configured-secret-of-32-chars', 'test', 'purpose v1')).open(sealed, 'record-1')).toBeUndefined();
  const [v, iv, tag, data] = sealed.split('.');
  const flipped = Buffer.from(data!, 'base64url');
  flipped[0]! ^= 1;
  expect(box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'record-1')).toBeUndefined();
  expect(box.open('not sealed', 'record-1')).toBeUndefined();
});

it('derives a different key per purpose from one secret', () => {
  expect(sealingKey('s'.repeat(32), 'a', 'x').equals(sealingKey('s'.repeat(32), 'a', 'y'))).toBe(false);
});
