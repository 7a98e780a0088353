/**
 * Small, dependency-free IPv4 CIDR arithmetic. Pure functions: the subnet plan, the
 * config validation and the tests all use these.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n"; throws on anything that is not a canonical IPv4 network block. */
export function parseCidr(text: string): Cidr {
  const m = CIDR_RE.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not an IPv4 CIDR block (expected a.b.c.d/n)`);
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) throw new Error(`"${text}" has an octet above 255`);
  const prefix = Number(m[5]);
  if (prefix > 32) throw new Error(`"${text}" has a prefix length above 32`);
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (addr % size !== 0) {
    throw new Error(
      `"${text}" is not a network address: host bits are set (did you mean ${formatCidr({ base: addr - (addr % size), prefix })}?)`,
    );
  }
  return { base: addr, prefix };
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
  return `${o.join(".")}/${c.prefix}`;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: string | Cidr, b: string | Cidr): boolean {
  const x = typeof a === "string" ? parseCidr(a) : a;
  const y = typeof b === "string" ? parseCidr(b) : b;
  return x.base < y.base + cidrSize(y) && y.base < x.base + cidrSize(x);
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: string | Cidr, inner: string | Cidr): boolean {
  const o = typeof outer === "string" ? parseCidr(outer) : outer;
  const i = typeof inner === "string" ? parseCidr(inner) : inner;
  return i.prefix >= o.prefix && i.base >= o.base && i.base + cidrSize(i) <= o.base + cidrSize(o);
}

/** The `index`-th block of prefix length `newPrefix` inside `parent`. */
export function subnet(parent: Cidr, newPrefix: number, index: number): Cidr {
  if (newPrefix < parent.prefix || newPrefix > 32) {
    throw new Error(`cannot carve a /${newPrefix} out of ${formatCidr(parent)}`);
  }
  const count = 2 ** (newPrefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(
      `${formatCidr(parent)} holds ${count} /${newPrefix} blocks; index ${index} is out of range`,
    );
  }
  return { base: parent.base + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

/** The first address after the network address (the VPC's DNS resolver is base + 2). */
export function hostAddress(c: Cidr, offset: number): string {
  return formatCidr({ base: c.base + offset, prefix: 32 }).replace(/\/32$/, "");
}
