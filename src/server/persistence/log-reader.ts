// Reads the written part of a txn log segment. Segments are preallocated (64 MB by default),
// so reading whole files would make recovery read mostly zeros: chunks are read only until
// the walk over record lengths meets the zero length that ends the log (or damage, or EOF).
import { open } from 'node:fs/promises';
import { logHeaderBytes, recordBytesMax, recordHeaderBytes } from './log-format.ts';

const chunkBytes = 4 * 1024 * 1024;

export async function readLogFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    // One buffer of the file's size, filled chunk by chunk: pages past the end of the log
    // are never touched, so they cost address space, not memory.
    const file = Buffer.allocUnsafe((await handle.stat()).size);
    let read = 0;
    let next = logHeaderBytes; // offset of the next record header
    while (read < file.length) {
      const want = Math.min(chunkBytes, file.length - read);
      const { bytesRead } = await handle.read(file, read, want, read);
      if (bytesRead === 0) break;
      read += bytesRead;
      while (next + recordHeaderBytes <= read) {
        const field = file.readInt32BE(next);
        const length = field & 0x3fffffff;
        if (field <= 0 || length === 0 || length > recordBytesMax) return file.subarray(0, read);
        if (next + recordHeaderBytes + length > read) break;
        next += recordHeaderBytes + length;
      }
    }
    return file.subarray(0, read);
  } finally {
    await handle.close();
  }
}
