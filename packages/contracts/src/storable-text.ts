// Text PostgreSQL can store, checked before any input reaches a database (issue 12 defect 1;
// DESIGN.md §7 "bad input gets a 4xx naming the field"). PostgreSQL refuses a NUL (U+0000) in text
// (22021) and inside a jsonb string or key (22P05 "\u0000 cannot be converted to text"); an unpaired
// UTF-16 surrogate is not Unicode at all: jsonb refuses its escape (22P02) and text columns would
// silently store U+FFFD instead. JSON and query strings can carry both, so the HTTP kit runs every
// request through `findUnstorableText` before its zod schemas see it.

// With the `u` flag a well-paired surrogate is one code point, so \p{Cs} matches only a lone half.
// Matching NUL is the point here, hence the control character.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** Why `value` cannot be stored as PostgreSQL text, or undefined when it can. */
export function unstorableTextReason(value: string): string | undefined {
  const match = UNSTORABLE.exec(value);
  if (match === null) return undefined;
  return match[0] === '\u0000' ? 'must not contain a NUL character (\\u0000)' : 'must not contain an unpaired UTF-16 surrogate';
}

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export interface UnstorableText {
  /** where it is: keys and array indexes from the root of the value */
  path: (string | number)[];
  message: string;
}

interface Visit {
  value: unknown;
  key: string | number | undefined;
  parent: Visit | undefined;
}

function pathOf(visit: Visit | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at = visit; at !== undefined && at.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Every string (and object key) in a JSON-like value — a parsed body, a query, path params — that
 * PostgreSQL cannot store, at most `limit` of them. A bad key is reported at the object holding it,
 * since its own name is the unprintable part. Iterative, so a deeply nested body cannot overflow
 * the stack.
 */
export function findUnstorableText(root: unknown, limit = 20): UnstorableText[] {
  const found: UnstorableText[] = [];
  const stack: Visit[] = [{ value: root, key: undefined, parent: undefined }];
  while (stack.length > 0 && found.length < limit) {
    const visit = stack.pop() as Visit;
    const { value } = visit;
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value);
      if (reason !== undefined) found.push({ path: pathOf(visit), message: reason });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: visit });
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      const badKey = keys.find((k) => !isStorableText(k));
      if (badKey !== undefined) found.push({ path: pathOf(visit), message: `has a key that ${unstorableTextReason(badKey) as string}` });
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: (value as Record<string, unknown>)[key], key, parent: visit });
      }
    }
  }
  return found;
}

