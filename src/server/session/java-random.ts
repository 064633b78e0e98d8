// java.util.Random's 48-bit LCG, so session passwords derive from the session id exactly as
// Apache's server derives them (any server of a mixed ensemble can then check them).

const multiplier = 0x5deece66dn;
const mask48 = (1n << 48n) - 1n;

export function javaRandomBytes(seed: bigint, count: number): Buffer {
  let state = (seed ^ multiplier) & mask48;
  const nextInt = (): number => {
    state = (state * multiplier + 0xbn) & mask48;
    return Number(BigInt.asIntN(32, state >> 16n));
  };
  const out = Buffer.alloc(count);
  let i = 0;
  while (i < count) {
    let value = nextInt();
    for (let n = Math.min(count - i, 4); n-- > 0; value >>= 8) out[i++] = value & 0xff;
  }
  return out;
}
