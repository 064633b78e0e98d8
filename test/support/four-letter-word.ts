// ZooKeeper "four letter words" (ruok, srvr, stat, mntr, ...): write the word on a fresh TCP
// connection and read everything until the server closes it.
import net from 'node:net';

export interface FourLetterWordOptions {
  /** Upper bound for the whole exchange; default 5000 ms. */
  timeoutMs?: number;
}

export function sendFourLetterWord(
  host: string,
  port: number,
  word: string,
  options: FourLetterWordOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = net.createConnection({ host, port });
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      finish(new Error(`four letter word '${word}' to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(word);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    socket.on('end', () => {
      finish(null);
    });
    socket.on('close', () => {
      finish(null);
    });
    socket.on('error', (err) => {
      // A reset after the answer arrived still counts as an answer.
      finish(chunks.length > 0 ? null : err);
    });
  });
}
