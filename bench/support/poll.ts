// Polling a starting server: a new attempt (a fresh connection) every `intervalMs`, a few in
// flight at most, until one succeeds; resolves with the time of that success.
import { setTimeout as delay } from 'node:timers/promises';
import { getDataFrame, getDataPayload, PipelinedConnection, request } from './wire.ts';

export interface PollOptions {
  readonly intervalMs?: number;
  readonly maxInFlight?: number;
  readonly deadlineMs: number;
  /** Stop early (e.g. the server process died). */
  readonly abandon?: () => string | undefined;
}

/** Resolves with performance.now() at the first successful attempt. */
export async function pollUntil(
  attempt: () => Promise<boolean>,
  options: PollOptions,
): Promise<{ at: number; attempts: number; lastError: string }> {
  const interval = options.intervalMs ?? 20;
  const maxInFlight = options.maxInFlight ?? 4;
  const deadline = performance.now() + options.deadlineMs;
  let inFlight = 0;
  let attempts = 0;
  let succeededAt: number | undefined;
  let lastError = '';
  while (succeededAt === undefined) {
    if (performance.now() > deadline) {
      throw new Error(`not ready within ${options.deadlineMs} ms (last: ${lastError})`);
    }
    const reason = options.abandon?.();
    if (reason !== undefined) throw new Error(reason);
    if (inFlight < maxInFlight) {
      inFlight++;
      attempts++;
      attempt()
        .then((ok) => {
          if (ok && succeededAt === undefined) succeededAt = performance.now();
        })
        .catch((error: unknown) => {
          lastError = error instanceof Error ? error.message : String(error);
        })
        .finally(() => inFlight--);
    }
    await delay(interval);
  }
  return { at: succeededAt, attempts, lastError };
}

/** An attempt that opens a session and closes the connection again. */
export function sessionAttempt(port: number, timeoutMs = 2000): () => Promise<boolean> {
  return async () => {
    const conn = await PipelinedConnection.connect(port, { timeoutMs });
    conn.destroy();
    return true;
  };
}

/**
 * An attempt that opens a session and reads `path`: true when it has `dataBytes` bytes.
 * `seen` collects the error codes of failed reads (a NoNode after recovery is data loss).
 */
export function getDataAttempt(
  port: number,
  path: string,
  dataBytes: number,
  seen: Map<number, number>,
  timeoutMs = 2000,
  onSuccess?: () => void,
): () => Promise<boolean> {
  return async () => {
    const conn = await PipelinedConnection.connect(port, { timeoutMs });
    try {
      const reply = await request(conn, getDataFrame(1, path), timeoutMs);
      if (reply.err !== 0) {
        seen.set(reply.err, (seen.get(reply.err) ?? 0) + 1);
        return false;
      }
      const ok = getDataPayload(reply.body)?.length === dataBytes;
      if (ok) onSuccess?.();
      return ok;
    } finally {
      conn.destroy();
    }
  };
}
