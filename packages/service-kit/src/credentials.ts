// Masking of credentials embedded in connection strings, shared by config errors, log lines
// and health-check reasons so a password in DATABASE_URL or AMQP_URL never reaches stderr or logs.

// `scheme://user:password@` — the password part is replaced, the user kept (it helps debugging).
// Quotes are excluded so that, run over a JSON log line, a match never spans two values.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@"]*):[^\s@/"]*@/gi;

/** Replaces the password of every `scheme://user:password@host` URL inside `text` with `***`. */
export function maskUrlCredentials(text: string): string {
  // Cheap pre-check: most strings carry no URL, and the regex is the expensive part.
  if (!text.includes('://')) return text;
  return text.replace(URL_CREDENTIALS, '$1:***@');
}
