// Retention (Apache's autopurge / zkCleanup): keep the newest `retainCount` snapshots and the
// log segments they need; remove older ones. The newest log segment is never removed.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listSegments } from './recovery.ts';

export interface PurgeResult {
  readonly snapshotsRemoved: string[];
  readonly logsRemoved: string[];
}

export async function purge(options: {
  readonly snapDir: string;
  readonly logDir: string;
  readonly retainCount: number;
}): Promise<PurgeResult> {
  const retain = Math.max(1, options.retainCount);
  const snapshots = await listSegments(options.snapDir, 'snapshot');
  if (snapshots.length <= retain) return { snapshotsRemoved: [], logsRemoved: [] };
  const kept = snapshots.slice(-retain);
  const oldestKept = (kept[0] as { zxid: bigint }).zxid;
  const snapshotsRemoved = snapshots.slice(0, -retain).map((s) => s.name);
  const logs = await listSegments(options.logDir, 'log');
  // A segment is needed unless the next one starts at or before the oldest kept snapshot + 1.
  const logsRemoved = logs
    .filter((_, i) => {
      const next = logs[i + 1];
      return next !== undefined && next.zxid <= oldestKept + 1n;
    })
    .map((l) => l.name);
  for (const name of snapshotsRemoved) await rm(join(options.snapDir, name));
  for (const name of logsRemoved) await rm(join(options.logDir, name));
  return { snapshotsRemoved, logsRemoved };
}
