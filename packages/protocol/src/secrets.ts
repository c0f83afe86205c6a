const encoder = new TextEncoder();

/**
 * Compares two secrets without leaking where they differ or how long they are: both sides are
 * hashed to a fixed length first, then every byte of the digests is compared (no early exit).
 * The one comparison of the project: the internal keys of every hop and the web's sign-in state.
 */
export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}
