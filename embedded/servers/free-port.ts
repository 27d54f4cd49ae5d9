import { createServer } from 'node:net';

// The worker takes a free port for the SDK's metrics exporter too, so the function lives in runtime/.
export { freePort } from '../../runtime/free-port.ts';

/**
 * A free TCP port between `min` and `max`, tried at random, for a server that cannot take the
 * ports the kernel hands out (Linux's ephemeral range starts at 32768).
 */
export async function freePortInRange(min: number, max: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    if (await canListen(port, host)) return port;
  }
  throw new Error(`no free port between ${min} and ${max} on ${host}`);
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}
