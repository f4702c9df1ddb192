import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Where an IP address points, as far as sending webhooks to it is concerned. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link_local' | 'unspecified' | 'reserved';

/**
 * Which receivers a deployment may send to: only public addresses (the default), public and
 * loopback (tests, a receiver on the same machine), or anything (a receiver on an internal network).
 */
export type PrivateUrlPolicy = 'refuse' | 'allow_loopback' | 'allow';

/** A webhook URL this deployment will not send to; the message says why. */
export class UrlRefusedError extends Error {
  override name = 'UrlRefusedError';
}

const IPV4_RANGES: ReadonlyArray<readonly [string, number, AddressKind]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'reserved'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: ReadonlyArray<readonly [string, number, AddressKind]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'reserved'],
];

/** Prefixes whose addresses carry an IPv4 address, judged as that IPv4 address. */
const IPV4_CARRIERS: ReadonlyArray<readonly [string, number, (value: bigint) => number]> = [
  ['::ffff:0:0', 96, (value) => Number(value & 0xffffffffn)], // IPv4-mapped
  ['::', 96, (value) => Number(value & 0xffffffffn)], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96, (value) => Number(value & 0xffffffffn)], // NAT64
  ['2002::', 16, (value) => Number((value >> 80n) & 0xffffffffn)], // 6to4
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function ipv6ToBigInt(address: string): bigint {
  const withoutZone = address.split('%')[0] ?? '';
  const [head = '', tail] = withoutZone.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap(hexGroups));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** One group of an IPv6 address, or two for a dotted IPv4 tail (`::ffff:10.0.0.1`). */
function hexGroups(group: string): number[] {
  if (!group.includes('.')) return [Number.parseInt(group, 16)];
  const value = ipv4ToNumber(group);
  return [Math.floor(value / 65_536), value % 65_536];
}

const inIpv4Range = (value: number, base: string, bits: number) =>
  Math.floor(value / 2 ** (32 - bits)) === Math.floor(ipv4ToNumber(base) / 2 ** (32 - bits));

const inIpv6Range = (value: bigint, base: string, bits: number) =>
  value >> BigInt(128 - bits) === ipv6ToBigInt(base) >> BigInt(128 - bits);

function classifyIpv4(value: number): AddressKind {
  return IPV4_RANGES.find(([base, bits]) => inIpv4Range(value, base, bits))?.[2] ?? 'public';
}

function classifyIpv6(address: string): AddressKind {
  const value = ipv6ToBigInt(address);
  const exact = IPV6_RANGES.find(([base, bits]) => bits === 128 && inIpv6Range(value, base, bits));
  if (exact) return exact[2];
  const carrier = IPV4_CARRIERS.find(([base, bits]) => inIpv6Range(value, base, bits));
  if (carrier) return classifyIpv4(carrier[2](value));
  return IPV6_RANGES.find(([base, bits]) => inIpv6Range(value, base, bits))?.[2] ?? 'public';
}

/** Classifies an IPv4 or IPv6 address (IPv4 inside IPv6 — mapped, NAT64, 6to4 — as its IPv4). */
export function classifyAddress(address: string): AddressKind {
  const family = isIP(address.split('%')[0] ?? '');
  if (family === 4) return classifyIpv4(ipv4ToNumber(address));
  if (family === 6) return classifyIpv6(address);
  throw new Error(`not an IP address: ${address}`);
}

export function isAllowedAddress(kind: AddressKind, policy: PrivateUrlPolicy): boolean {
  if (policy === 'allow') return true;
  if (policy === 'allow_loopback') return kind === 'public' || kind === 'loopback';
  return kind === 'public';
}

/** The host of a URL as DNS and `isIP` take it: IPv6 literals without their brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

async function resolve(host: string): Promise<LookupAddress[]> {
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  try {
    return await lookup(host, { all: true });
  } catch {
    throw new UrlRefusedError(`${host} could not be resolved`);
  }
}

/**
 * Resolves the URL's host and checks every address it resolves to against the policy. The
 * sender connects only to the addresses returned, so a DNS answer that changes between the
 * check and the connection cannot smuggle in a private address.
 */
export async function allowedAddresses(url: URL, policy: PrivateUrlPolicy): Promise<LookupAddress[]> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlRefusedError(`${url.protocol} URLs are not supported; use http or https`);
  }
  const host = hostOf(url);
  const addresses = await resolve(host);
  if (addresses.length === 0) throw new UrlRefusedError(`${host} resolves to no address`);
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (!isAllowedAddress(kind, policy)) {
      throw new UrlRefusedError(
        `${host} resolves to a ${kind.replace('_', '-')} address, which this server does not send to`,
      );
    }
  }
  return addresses;
}
