// Reads the written part of a txn log segment. Segments are preallocated (64 MB by default),
// so reading whole files would make recovery read mostly zeros: chunks are read only until
// the walk over record lengths meets the zero length that ends the log (or damage, or EOF).
import { open } from 'node:fs/promises';
import { logHeaderBytes, recordBytesMax, recordHeaderBytes } from './log-format.ts';

const chunkBytes = 4 * 1024 * 1024;

export async function readLogFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const chunks: Buffer[] = [];
    let read = 0;
    let joined: Buffer = Buffer.alloc(0);
    let next = logHeaderBytes; // offset of the next record header
    while (read < size) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, size - read));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, read);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      read += bytesRead;
      joined = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, read);
      while (next + recordHeaderBytes <= joined.length) {
        const field = joined.readInt32BE(next);
        const length = field & 0x3fffffff;
        if (field <= 0 || length === 0 || length > recordBytesMax) return joined; // end or damage
        if (next + recordHeaderBytes + length > joined.length) break;
        next += recordHeaderBytes + length;
      }
    }
    return joined;
  } finally {
    await handle.close();
  }
}
