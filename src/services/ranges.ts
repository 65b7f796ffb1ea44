// The ranges Service values are drawn from: an IPv4 CIDR of cluster IPs and a node port range,
// each seen as offsets 0..size-1. Like Kubernetes' allocators, the CIDR's network and broadcast
// addresses are never handed out (offset 0 is the first usable address, 10.96.0.1 in
// 10.96.0.0/12, which the `kubernetes` Service holds), and dynamic picks prefer the upper part of
// a range, leaving the lower "static band" to values people ask for by number (KEP-3070, KEP-3668).

export interface ValueRange {
  /** How many values can be handed out. */
  readonly size: number;
  /** Offsets below this form the static band, picked from last. */
  readonly staticBand: number;
  /** As people write it: "10.96.0.0/12", "30000-32767". */
  readonly text: string;
}

export interface IPv4Range extends ValueRange {
  /** The first usable address as a 32-bit number. */
  readonly first: number;
}

export interface PortRange extends ValueRange {
  readonly base: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 address as an unsigned 32-bit number; undefined for anything else. */
export function parseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

/** min(max(lo, size/step), hi), 0 for ranges of `lo` or fewer values: Kubernetes' calculateRangeOffset. */
function staticBand(size: number, lo: number, hi: number, step: number): number {
  if (size <= lo) return 0;
  return Math.min(Math.max(lo, Math.floor(size / step)), hi);
}

/** "10.96.0.0/12" → its usable addresses; undefined when it is not an IPv4 CIDR with room for one. */
export function parseCidr(text: string): IPv4Range | undefined {
  const [address, bits, ...rest] = text.trim().split("/");
  const prefix = Number(bits);
  const ip = parseIPv4(address ?? "");
  if (rest.length || ip === undefined || !/^\d{1,2}$/.test(bits ?? "") || prefix > 30 || prefix < 1) return undefined;
  const total = 2 ** (32 - prefix);
  const network = (ip & ~(total - 1)) >>> 0;
  return {
    first: network + 1,
    size: total - 2,
    staticBand: staticBand(total, 16, 256, 16),
    text: `${formatIPv4(network)}/${prefix}`,
  };
}

/** "30000-32767", or a single port; undefined for anything else. */
export function parsePortRange(text: string): PortRange | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  const last = m[2] === undefined ? base : Number(m[2]);
  if (base < 1 || last > 65535 || last < base) return undefined;
  const size = last - base + 1;
  return { base, size, staticBand: staticBand(size, 16, 128, 32), text: `${base}-${last}` };
}

export function ipAt(r: IPv4Range, offset: number): string {
  return formatIPv4(r.first + offset);
}

/** The offset of an address in the range, undefined outside it (the network and broadcast addresses included). */
export function ipOffset(r: IPv4Range, ip: string): number | undefined {
  const n = parseIPv4(ip);
  if (n === undefined) return undefined;
  const offset = n - r.first;
  return offset >= 0 && offset < r.size ? offset : undefined;
}

export function portOffset(r: PortRange, port: number): number | undefined {
  const offset = port - r.base;
  return Number.isInteger(port) && offset >= 0 && offset < r.size ? offset : undefined;
}

/** A random integer in [0, n). Injected so tests are deterministic. */
export type Random = (n: number) => number;

export const mathRandom: Random = (n) => Math.floor(Math.random() * n);

/** Random probes before a scan: in a range that is mostly free, one or two find a value. */
const PROBES = 32;

function pickIn(from: number, to: number, taken: (offset: number) => boolean, random: Random): number | undefined {
  const width = to - from;
  if (width <= 0) return undefined;
  for (let i = 0; i < Math.min(PROBES, width); i++) {
    const offset = from + random(width);
    if (!taken(offset)) return offset;
  }
  // Mostly taken: walk the band once from a random place.
  const start = random(width);
  for (let i = 0; i < width; i++) {
    const offset = from + ((start + i) % width);
    if (!taken(offset)) return offset;
  }
  return undefined;
}

/** A free offset, from above the static band first; undefined when the range is full. */
export function pickOffset(r: ValueRange, taken: (offset: number) => boolean, random: Random = mathRandom): number | undefined {
  return pickIn(r.staticBand, r.size, taken, random) ?? pickIn(0, r.staticBand, taken, random);
}
