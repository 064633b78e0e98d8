// Named limits with their unit last. Defaults follow Apache ZooKeeper 3.8.

/** jute.maxbuffer: largest frame a server accepts, in bytes. */
export const juteMaxBufferBytesDefault = 0xfffff;
/** Length of a session password on the wire. */
export const sessionPasswordBytes = 16;
/** The deepest tree walk a core performs without recursion before asserting. */
export const treeWalkNodesMax = 100_000_000;
