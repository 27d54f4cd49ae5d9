// Two LeaderElectors on one Lease of a real kube-apiserver: exactly one leads; a leader that
// stops hands over at once; one that vanishes without a word is replaced after the lease expires.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../client/controller/leader-election.ts';
import { silentLogger } from '../../client/controller/logger.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { delay } from '../../embedded/servers/managed-process.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';

const dir = makeTempDir('leader-election');
let management: ManagementCluster;
beforeAll(async () => {
  management = await startManagementCluster({ dataDir: dir.path, ephemeral: true });
});
afterAll(async () => {
  await management.stop();
  dir.remove();
});

/** A candidate that logs its transitions. */
function candidate(name: string, lease: string, transitions: string[]): LeaderElector {
  return new LeaderElector({
    kubeConfig: management.kubeConfig,
    namespace: 'default',
    name: lease,
    identity: name,
    leaseDurationSeconds: 2,
    renewDeadlineMs: 1_500,
    retryPeriodMs: 200,
    logger: silentLogger,
    onStartedLeading: () => transitions.push(`${name} leads`),
    onStoppedLeading: () => transitions.push(`${name} stops`),
  });
}

describe('Lease leader election on a real API server', () => {
  it('elects exactly one of two candidates, and hands over at once when the leader stops', async () => {
    const transitions: string[] = [];
    const [a, b] = [candidate('a', 'election-handover', transitions), candidate('b', 'election-handover', transitions)];
    a.start();
    b.start();
    try {
      const first = await eventually(() => {
        const leaders = [a, b].filter((c) => c.leading);
        expect(leaders).toHaveLength(1);
        return leaders[0]!;
      });
      const second = first === a ? b : a;
      // Many renew rounds later there is still exactly one leader, and it never changed.
      await delay(1_500);
      expect([a.leading, b.leading].filter(Boolean)).toHaveLength(1);
      expect(first.leading).toBe(true);
      expect(transitions).toHaveLength(1);

      const stoppedAt = Date.now();
      await first.stop();
      expect(first.leading).toBe(false);
      await eventually(() => {
        expect(second.leading).toBe(true);
      });
      // Released, not expired: the standby took over well within the 2 s lease duration.
      expect(Date.now() - stoppedAt).toBeLessThan(1_500);
      const lease = await management.kubeConfig
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ namespace: 'default', name: 'election-handover' });
      expect(lease.spec?.holderIdentity).toBe(second === a ? 'a' : 'b');
      expect(lease.spec?.leaseTransitions).toBe(1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('replaces a leader that vanished without releasing once its lease expires, never earlier', async () => {
    const transitions: string[] = [];
    const a = candidate('a', 'election-crash', transitions);
    a.start();
    await eventually(() => {
      expect(a.leading).toBe(true);
    });
    const b = candidate('b', 'election-crash', transitions);
    b.start();
    try {
      await delay(600);
      expect(b.leading).toBe(false);
      const vanishedAt = Date.now();
      await a.abandon();
      await eventually(() => {
        expect(b.leading).toBe(true);
      }, 10_000);
      expect(Date.now() - vanishedAt).toBeGreaterThanOrEqual(1_500);
      expect(transitions).toEqual(['a leads', 'a stops', 'b leads']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
