import { databaseNameOf, redactDatabaseUrl } from '../../src';

describe('database URLs', () => {
  it('hides the password when a URL is shown', () => {
    const shown = redactDatabaseUrl('postgresql://billing:s3cr%40t@db.internal:5432/runfleet_billing?sslmode=require');

    expect(shown).toBe('postgresql://billing:***@db.internal:5432/runfleet_billing?sslmode=require');
    expect(shown).not.toContain('s3cr');
  });

  it('names the database of a URL, and refuses a URL that names none', () => {
    expect(databaseNameOf('postgresql://postgres@127.0.0.1:5432/runfleet_billing')).toBe('runfleet_billing');
    expect(() => databaseNameOf('postgresql://postgres@127.0.0.1:5432')).toThrow(/names no database/);
  });
});
