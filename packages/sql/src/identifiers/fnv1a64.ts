const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/**
 * FNV-1a, 64 bits, over the UTF-8 bytes of `text`, as 16 lower-case hex digits.
 *
 * Used to make run-scoped table names, where a stable short digest is needed synchronously and
 * without I/O: this package may not import node:crypto, and Web Crypto's digest is async. The
 * names are not a security boundary; 64 bits make a collision between concurrent runs of one
 * target negligible.
 */
export function fnv1a64Hex(text: string): string {
  let hash = OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, '0');
}
