// Reading PostgreSQL URLs safely: the database name, and a form fit for logs and error messages.

/** The database a postgresql:// URL points at. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (name === '') throw new Error('the database URL names no database (expected postgresql://user@host:5432/<database>)');
  return name;
}

/** The URL with its password replaced by `***`, for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return '<unparseable database URL>';
  }
  if (url.password !== '') url.password = '***';
  return url.toString();
}
