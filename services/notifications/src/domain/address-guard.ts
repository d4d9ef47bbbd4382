// The SSRF guard of webhook delivery (issue 17 item 4): a webhook URL is the customer's, so the
// address it reaches must be on the public internet. Only ipaddr.js's `unicast` range passes:
// loopback, private (RFC 1918), unique-local, link-local (incl. the cloud metadata address
// 169.254.169.254), multicast, unspecified, carrier-grade NAT, reserved and the IPv6 forms that
// embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are refused; an IPv4-mapped IPv6 address is
// judged as the IPv4 address it carries. The metadata addresses are named even though their ranges
// already refuse them, so a future range change in the library cannot let them through.
// Decimal, octal and hex forms (2130706433, 0x7f000001) never reach here: the WHATWG URL parser
// turns them into dotted quads. With the dev flag (WEBHOOKS_ALLOW_INSECURE_LOOPBACK) loopback passes.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

export interface AddressPolicy {
  /** the dev flag: loopback addresses are allowed (local receivers in development and tests) */
  allowLoopback: boolean;
}

/** Why `address` may not be reached, or null when it may. */
export function addressRefusal(address: string, policy: AddressPolicy): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const normalized = parsed.toNormalizedString();
  if (METADATA_ADDRESSES.has(normalized) || METADATA_ADDRESSES.has(parsed.toString())) return `${address} is a cloud metadata address`;
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  return `${address} is in a ${range} range`;
}

/** The host of a URL as an IP literal (brackets stripped), or null for a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}

/** Raised by the guarded lookup; its message says which address was refused and why. */
export class AddressRefusedError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
}

/**
 * A `lookup` for net/tls.connect that resolves the host and hands the socket only the addresses the
 * policy allows: the connection is made to the very address that was checked (no second
 * resolution a rebinding DNS server could answer differently).
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => addressRefusal(a.address, policy) === null);
      if (allowed.length === 0) {
        const first = addresses[0];
        const why = first ? addressRefusal(first.address, policy) : 'no address';
        return callback(new AddressRefusedError(`${hostname} resolves to a refused address: ${why}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const chosen = allowed[0]!;
      callback(null, chosen.address, chosen.family);
    });
  };
}
