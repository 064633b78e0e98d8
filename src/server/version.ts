// The version Meerkat reports, in Apache's format so tools that parse `srvr` keep working:
// the ZooKeeper release whose client protocol we implement, then our own version.

export const meerkatVersion = '0.1.0';
export const compatibleZooKeeperVersion = '3.9.2';
export const fullVersion = `${compatibleZooKeeperVersion}-meerkat-${meerkatVersion}`;
/** Apache prints "<version>-<git revision>, built on <date>"; we print our build identity. */
export const versionLine = `${fullVersion}, built on 2026-11-22 00:00 UTC`;
