// Which URLs an endpoint may have (issue 17 items 1 and 4): https, or plain http on a loopback
// host only with the dev flag; no credentials in the URL (it is shown in lists, events and emails);
// an IP literal the SSRF guard would refuse is refused now rather than at every delivery. Names
// are resolved at delivery time (address-guard.ts), where the answer counts.
import { AppError } from '@runfleet/service-kit';
import { addressRefusal, literalAddress } from './address-guard';

export const MAX_URL_LENGTH = 2048;

function urlError(message: string): AppError {
  return AppError.badRequest('VALIDATION_FAILED', `The endpoint URL ${message}.`, { errors: [{ field: 'body.url', message }] });
}

export function checkEndpointUrl(raw: string, allowInsecureLoopback: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw urlError('is not a URL');
  }
  if (url.username !== '' || url.password !== '') throw urlError('may not carry credentials');
  if (url.hash !== '') throw urlError('may not have a fragment');
  const literal = literalAddress(url.hostname);
  const loopbackHost = url.hostname === 'localhost' || (literal !== null && addressRefusal(literal, { allowLoopback: true }) === null && addressRefusal(literal, { allowLoopback: false }) !== null);
  if (url.protocol === 'http:') {
    if (!allowInsecureLoopback) throw urlError('must use https');
    if (!loopbackHost) throw urlError('must use https (plain http is allowed on loopback only)');
  } else if (url.protocol !== 'https:') {
    throw urlError('must use https');
  }
  if (literal !== null) {
    const refusal = addressRefusal(literal, { allowLoopback: allowInsecureLoopback });
    if (refusal) throw urlError(`may not point at ${refusal}`);
  }
  return url.toString();
}
