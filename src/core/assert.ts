// Assertions stay on in production: a failed assert is a bug and crashes the process.
// Operating errors (bad input, network, disk) are values or typed errors, never asserts.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
