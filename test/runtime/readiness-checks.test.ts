// The Kubernetes readiness check against an API server that accepts connections and never answers
// (one whose process hangs, or a proxy in front of one that is gone): each probe's request ends at
// the check's timeout and its connection is closed, so probes repeated every few seconds while
// the server is out of reach do not pile up.
import { createServer, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { kubernetesCheck } from '../../runtime/readiness-checks.ts';

let server: Server | undefined;
afterEach(async () => {
  const closing = server;
  server = undefined;
  if (closing) await new Promise((resolve) => closing.close(resolve));
});

/** A TCP server on loopback that reads requests and never replies; it counts connections still open. */
async function silentServer(): Promise<{ port: number; open: Set<Socket>; accepted: () => number }> {
  const open = new Set<Socket>();
  let accepted = 0;
  server = createServer((socket) => {
    accepted += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, open, accepted: () => accepted };
}

function kubeConfigFor(port: number): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'silent', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'capstan', token: 'not-checked' }],
    contexts: [{ name: 'silent', cluster: 'silent', user: 'capstan' }],
    currentContext: 'silent',
  });
  return kubeConfig;
}

describe('the Kubernetes readiness check', () => {
  it('gives up on a server that never answers at its timeout, and closes the connection', { timeout: 20_000 }, async () => {
    const { port, open, accepted } = await silentServer();
    const check = kubernetesCheck(kubeConfigFor(port), 300);
    for (let probe = 0; probe < 3; probe++) {
      const started = Date.now();
      await expect(check.check()).rejects.toThrow('no answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    expect(accepted()).toBeGreaterThanOrEqual(1);
    // Every aborted request's connection is gone, or about to be (the close reaches the server just after).
    const deadline = Date.now() + 2_000;
    while (open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(open.size).toBe(0);
  });
});
