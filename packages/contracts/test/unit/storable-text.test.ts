// Which text PostgreSQL cannot store, and where in a request it sits (issue 12 defect 1).
import { findUnstorableText, isStorableText } from '../../src';

describe('text PostgreSQL can store', () => {
  it('is any well-formed string, emoji (a surrogate pair) and other scripts included', () => {
    expect(['', 'plain', 'Zoë ✓ 🚀', '\u{1F600}', 'tab\tand\nnewline'].every(isStorableText)).toBe(true);
  });

  it('is not a string with a NUL or an unpaired surrogate, high or low', () => {
    expect(['a\u0000b', '\u0000', '\ud800', 'x\udc00', '\ud83d'].some(isStorableText)).toBe(false);
  });
});

describe('finding unstorable text in a request', () => {
  it('names the path of every bad string, in arrays and nested objects', () => {
    expect(findUnstorableText({ name: 'ok', details: { hosts: ['a', 'b\u0000'], note: '\ud800' } })).toEqual([
      { path: ['details', 'hosts', 1], message: 'must not contain a NUL character (\\u0000)' },
      { path: ['details', 'note'], message: 'must not contain an unpaired UTF-16 surrogate' },
    ]);
  });

  it('reports a bad key at the object that holds it, and a bad top-level string at the root', () => {
    expect(findUnstorableText({ meta: { 'k\u0000': 1 } })).toEqual([{ path: ['meta'], message: 'has a key that must not contain a NUL character (\\u0000)' }]);
    expect(findUnstorableText('\u0000')).toEqual([{ path: [], message: 'must not contain a NUL character (\\u0000)' }]);
  });

  it('finds nothing in clean values, numbers, booleans and null', () => {
    expect(findUnstorableText({ a: 1, b: true, c: null, d: ['x', { e: 'y' }] })).toEqual([]);
    expect(findUnstorableText(undefined)).toEqual([]);
  });

  it('stops at the limit and survives nesting deeper than the call stack', () => {
    expect(findUnstorableText(Array.from({ length: 100 }, () => '\u0000'), 3)).toHaveLength(3);
    let deep: unknown = '\u0000';
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(findUnstorableText(deep)).toHaveLength(1);
  });
});
