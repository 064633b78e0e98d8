// `meerkat log` and `meerkat snapshot`: print and verify txn log segments and snapshots
// (Apache's TxnLogToolkit and SnapshotFormatter, for our formats).
import { readFile } from 'node:fs/promises';
import { ProtocolError } from '../../protocol/jute/reader.ts';
import { checkLogHeader, scanLog } from '../../server/persistence/log-format.ts';
import { readLogFile } from '../../server/persistence/log-reader.ts';
import { decodeSnapshot } from '../../server/persistence/snapshot-format.ts';
import type { Txn, TxnBody } from '../../server/txn/txn.ts';

const hex = (n: bigint): string => `0x${BigInt.asUintN(64, n).toString(16)}`;

const size = (data: Buffer | null): number => data?.length ?? 0;

function describeBody(body: TxnBody): string {
  switch (body.type) {
    case 'create':
      return `create ${body.path} (${size(body.data)} bytes, owner ${hex(body.ephemeralOwner)})`;
    case 'delete':
    case 'check':
      return `${body.type} ${body.path}`;
    case 'setData':
      return `setData ${body.path} (${body.data?.length ?? 0} bytes, version ${body.version})`;
    case 'setACL':
      return `setACL ${body.path} (aversion ${body.version})`;
    case 'error':
      return `error ${body.err}`;
    case 'multi':
      return `multi [${body.ops.map(describeBody).join('; ')}]`;
    case 'createSession':
      return `createSession timeout=${body.timeoutMs}`;
    case 'closeSession':
      return `closeSession deleting ${body.paths.length} ephemeral(s)`;
  }
}

function describeTxn(txn: Txn): string {
  const time = new Date(Number(txn.time)).toISOString();
  const who = `session ${hex(txn.sessionId)} cxid ${hex(BigInt(txn.cxid))}`;
  return `${time} ${who} zxid ${hex(txn.zxid)} ${describeBody(txn.body)}`;
}

/** Prints every record; returns the exit status (1 when the file is damaged). */
export async function inspectLog(path: string, out: (line: string) => void): Promise<number> {
  const file = await readLogFile(path);
  const headerProblem = checkLogHeader(file);
  if (headerProblem !== undefined) {
    out(`${path}: ${headerProblem}`);
    return 1;
  }
  const scan = scanLog(file);
  for (const txn of scan.txns) out(describeTxn(txn));
  out(`${scan.txns.length} txns in ${scan.endOffset} bytes`);
  if (scan.torn !== undefined) {
    out(`DAMAGED: ${scan.torn}`);
    return 1;
  }
  out('checksums OK');
  return 0;
}

export async function inspectSnapshot(
  path: string,
  out: (line: string) => void,
  options: { details: boolean },
): Promise<number> {
  let decoded;
  try {
    decoded = decodeSnapshot(await readFile(path));
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    out(`${path}: DAMAGED: ${error.message}`);
    return 1;
  }
  out(`snapshot at zxid ${hex(decoded.zxid)}, ${decoded.sessions.length} session(s)`);
  for (const s of decoded.sessions) out(`  session ${hex(s.id)} timeout ${s.timeoutMs}`);
  let nodes = 0;
  let bytes = 0;
  for (const node of decoded.nodes()) {
    nodes++;
    bytes += node.data?.length ?? 0;
    if (options.details) {
      out(
        `${node.path}  czxid=${hex(node.czxid)} mzxid=${hex(node.mzxid)} ` +
          `pzxid=${hex(node.pzxid)} version=${node.version} cversion=${node.cversion} ` +
          `aversion=${node.aversion} owner=${hex(node.ephemeralOwner)} ` +
          `dataLength=${node.data?.length ?? 0}`,
      );
    }
  }
  out(`${nodes} znodes, ${bytes} bytes of data; checksum OK`);
  return 0;
}
