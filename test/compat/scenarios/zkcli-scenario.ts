// The zkCli.sh scenario: one interactive session (commands through stdin, stdout and stderr
// merged in order), then single-command invocations whose exit codes are compared too.
import { digestId } from './java-scenario.ts';

/** Commands for one interactive session, in order. */
export const ZKCLI_SESSION: readonly string[] = [
  'create /cli',
  'create /cli/a hello',
  'create -s /cli/s- one',
  'create -s /cli/s- two',
  'create -e /cli/e eph',
  'create -e -s /cli/es- eph',
  'create /cli/a dup',
  'create /cli/missing/x',
  'ls /cli',
  'ls -s /cli',
  'get /cli/a',
  'get -s /cli/a',
  'stat /cli/a',
  'stat /cli/e',
  'set /cli/a world',
  'set -v 1 /cli/a again',
  'set -v 1 /cli/a stale',
  'set -s /cli/a final',
  'get /cli/nope',
  'getAcl /cli/a',
  'setAcl /cli/a world:anyone:r',
  'getAcl -s /cli/a',
  'set /cli/a denied',
  'create /cli/d',
  'create /cli/d/x',
  'create /cli/d/x/y',
  'delete /cli/d',
  'deleteall /cli/d',
  'stat /cli/d',
  'delete -v 5 /cli/s-0000000001',
  'delete -v 0 /cli/s-0000000001',
  'delete /cli/s-0000000001',
  'getEphemerals /cli',
  'getAllChildrenNumber /cli',
  'whoami',
  'addauth digest dave:pw',
  'whoami',
  `create /cli/mine x digest:${digestId('dave', 'pw')}:cdrwa,world:anyone:r`,
  'getAcl /cli/mine',
  'sync /cli',
  'ls /cli',
];

/**
 * Commands whose output lines after the first are compared sorted: `whoami` lists the auth ids
 * of the connection, which Apache keeps in a hash set (so their order is unspecified).
 */
export const UNORDERED_OUTPUT: ReadonlySet<string> = new Set(['whoami']);

export interface SingleCommand {
  args: readonly string[];
  /** Compare the output's lines sorted (the server's child order is unspecified). */
  sortLines?: boolean;
}

/**
 * Single commands, each in its own zkCli.sh process, after the session above. The batches run
 * in order; the commands of one batch run concurrently (so they must not interfere).
 */
export const ZKCLI_SINGLE: readonly (readonly SingleCommand[])[] = [
  [
    { args: ['ls', '-R', '/'], sortLines: true },
    { args: ['get', '-s', '/cli/s-0000000002'] },
    { args: ['stat', '/cli/nope'] },
    { args: ['delete', '/cli'] },
    { args: ['getAcl', '/cli/mine'] },
  ],
  [{ args: ['create', '/cli/one-shot', 'v'] }],
  [{ args: ['deleteall', '/cli'] }],
  [{ args: ['ls', '/'] }],
];
