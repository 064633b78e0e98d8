// The inbound side of an open session, pure: a reply settles the request it answers (and
// applies the watch change riding on it), a notification (xid -1) is routed through the watch
// registry to the listeners it concerns, with the chroot stripped from its path.
import {
  ErrorCode,
  OpCode,
  decodeResponse,
  readWatcherEvent,
  type JuteReader,
} from '../protocol/index.ts';
import type { Chroot } from './chroot.ts';
import type { CoreEffect, WatchAction } from './core-types.ts';
import { errorForCode } from './errors.ts';
import type { Pending } from './pending.ts';
import type { NodeEventType, WatchListener } from './types.ts';
import type { WatchRegistry } from './watch-registry.ts';

export interface EffectSink<T> {
  emit(effect: CoreEffect<T>): void;
}

const eventTypeNames = new Map<number, NodeEventType>([
  [1, 'nodeCreated'],
  [2, 'nodeDeleted'],
  [3, 'nodeDataChanged'],
  [4, 'nodeChildrenChanged'],
]);

function applyWatch<T>(watch: WatchAction, watches: WatchRegistry, sink: EffectSink<T>): void {
  if (watch.op === 'add') {
    const table = watch.table === 'dataOrExist' ? 'data' : watch.table;
    watches.add(table, watch.path, watch.listener);
    return;
  }
  for (const removed of watches.removeAll(watch.kind, watch.path)) {
    const listeners: WatchListener[] = [removed.listener];
    sink.emit({ kind: 'watch', listeners, event: { type: removed.type, path: watch.path } });
  }
}

/**
 * Settles a caller's request from its reply. Errors reject with the typed error, except
 * exists on a missing node, which answers null and leaves an exist watch if one was asked for.
 */
export function settleReply<T>(
  pending: Pending<T>,
  token: T,
  err: number,
  reader: JuteReader,
  context: { watches: WatchRegistry; sink: EffectSink<T> },
): void {
  const { watches, sink } = context;
  const watch = pending.watch;
  if (err !== ErrorCode.ok) {
    if (err === ErrorCode.noNode && pending.opcode === OpCode.exists) {
      if (watch?.op === 'add') watches.add('exist', watch.path, watch.listener);
      sink.emit({ kind: 'reply', token, response: null });
      return;
    }
    sink.emit({ kind: 'fail', token, error: errorForCode(err, pending.path) });
    return;
  }
  const response = decodeResponse(pending.opcode, reader);
  if (watch !== undefined) applyWatch(watch, watches, sink);
  sink.emit({ kind: 'reply', token, response });
}

/** Routes a WatcherEvent to the registered listeners (client paths, chroot stripped). */
export function routeNotification<T>(
  reader: JuteReader,
  context: { watches: WatchRegistry; chroot: Chroot; sink: EffectSink<T> },
): void {
  const event = readWatcherEvent(reader);
  const type = eventTypeNames.get(event.type);
  if (type === undefined) return;
  const path = context.chroot.toClient(event.path);
  const listeners = context.watches.route(event.type, path);
  if (listeners.size > 0) context.sink.emit({ kind: 'watch', listeners, event: { type, path } });
}
