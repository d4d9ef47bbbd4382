// Per-key IP allow-lists (issue 5 item 1): a key may be limited to addresses and CIDR ranges;
// an empty list allows any address. Parsed lists are kept, since a key's list rarely changes.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const MAX_PARSED_LISTS = 10_000;
const parsed = new Map<string, BlockList>();

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

function compile(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [address = '', bits] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    // An entry that is neither an address nor a CIDR matches nothing: a typo must not open the key up.
    if (!family) continue;
    if (bits === undefined) list.addAddress(address, family);
    else if (/^\d{1,3}$/.test(bits)) list.addSubnet(address, Number(bits), family);
  }
  return list;
}

export function ipAllowed(ip: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const cacheKey = allowed.join(',');
  let list = parsed.get(cacheKey);
  if (!list) {
    if (parsed.size >= MAX_PARSED_LISTS) parsed.clear();
    list = compile(allowed);
    parsed.set(cacheKey, list);
  }
  const address = normalizeIp(ip);
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  return list.check(address, family);
}
