// A free TCP port on the loopback interface, found by binding port 0 and releasing it.
// There is an unavoidable race (another process may take the port before we bind it again);
// callers that start servers should be prepared to retry on EADDRINUSE.
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

export function getFreePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => {
        if (err) reject(err);
        else resolve(port);
      });
    });
  });
}
