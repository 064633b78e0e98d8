// The ip ACL scheme: "a.b.c.d", "a.b.c.d/bits", IPv6 forms; prefix match on the bits.

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const hexGroupPattern = /^[0-9a-fA-F]{1,4}$/;

function ipv4Bytes(text: string): number[] | undefined {
  const match = ipv4Pattern.exec(text);
  if (match === null) return undefined;
  const bytes = match.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function ipv6Bytes(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    if (!items.every((g) => hexGroupPattern.test(g))) return undefined;
    return items.map((g) => Number.parseInt(g, 16));
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function toBytes(address: string): number[] | undefined {
  if (address.startsWith('::ffff:') && ipv4Bytes(address.slice(7)) !== undefined) {
    return ipv4Bytes(address.slice(7));
  }
  return address.includes(':') ? ipv6Bytes(address) : ipv4Bytes(address);
}

function parse(acl: string): { bytes: number[]; bits: number } | undefined {
  const slash = acl.indexOf('/');
  const bytes = toBytes(slash < 0 ? acl : acl.slice(0, slash));
  if (bytes === undefined) return undefined;
  const maxBits = bytes.length * 8;
  if (slash < 0) return { bytes, bits: maxBits };
  const bitsText = acl.slice(slash + 1);
  if (!/^\d+$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  return bits > maxBits ? undefined : { bytes, bits };
}

export function isValidIpAcl(acl: string): boolean {
  return parse(acl) !== undefined;
}

/** Does the client address fall inside the ACL's network? */
export function ipMatches(acl: string, address: string): boolean {
  const network = parse(acl);
  const client = toBytes(address);
  if (network === undefined || client === undefined) return false;
  if (network.bytes.length !== client.length) return false;
  for (let bit = 0; bit < network.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((network.bytes[byte] ?? 0) & mask) !== ((client[byte] ?? 0) & mask)) return false;
  }
  return true;
}
