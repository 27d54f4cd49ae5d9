import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portHolders } from '../../embedded/port-holders.ts';
import { assertPortsFree } from '../../embedded/ports.ts';
import { freePort } from '../../embedded/servers/free-port.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  port = await freePort();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});
afterAll(
  () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    ),
);

describe('ports in use', () => {
  it('finds the process listening on a port', () => {
    expect(
      portHolders([port])
        .get(port)
        ?.map((holder) => holder.pid),
    ).toEqual([process.pid]);
  });

  it('names the holder in the error and says how to end it', async () => {
    const free = await freePort();
    await expect(assertPortsFree({ temporal: port, proxmox: free })).rejects.toThrow(
      new RegExp(
        `^ports in use on 127\\.0\\.0\\.1:\n  temporal \\(${port}\\): pid ${process.pid} node .*\nIs another 'npm start' still running\\? .*\`kill ${process.pid}\``,
      ),
    );
  });
});
