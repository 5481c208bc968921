/** IPv4 and IPv6 CIDRs, as a NetworkPolicy `ipBlock` takes them (an address, "/", a prefix length). */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

/** Whether `text` is an IPv4 CIDR (prefix 0-32) or an IPv6 CIDR (prefix 0-128). */
export function isCidr(text: string): boolean {
  const m = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(text);
  if (!m) return false;
  const bits = Number(m[2]);
  if (isIPv4(m[1]!)) return bits <= 32 && /^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$/.test(m[1]!);
  return isIPv6(m[1]!) && bits <= 128;
}

export const cidr = z.string().refine(isCidr, 'an IPv4 or IPv6 CIDR like 10.0.0.0/8 or fd00::/8');
