// Two simulated years of one cluster with Temporal's time skipping: the cluster workflow renews the
// talosconfig and the admin kubeconfig before they expire, so every call keeps working, and reports
// the cluster's CAs as expiring once less than a year is left. The Talos simulator and the
// activities judge and issue certificates by the test server's time (TestServerClock), so a
// talosconfig left alone would be refused by the simulated apid after a year.
import { X509Certificate } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterSecretLabels,
  clusterSecretType,
  kubeconfigSecret,
  secretsBundleSecret,
  talosconfigSecret,
} from '../../api/cluster-secrets.ts';
import { KubernetesSecretStore } from '../../activities/kubernetes/secret-store.ts';
import { caValidityMs, generateSecretsBundle } from '../../activities/talos/generate-secrets-bundle.ts';
import { parseTalosconfig } from '../../activities/talos/machine-api/talosconfig-credentials.ts';
import { serializeSecretsBundle } from '../../activities/talos/secrets-bundle-yaml.ts';
import { certificatesCondition } from '../../client/controller/status/certificates-condition.ts';
import { simDesiredCluster } from '../fixtures/desired-cluster.ts';
import { assertHistoryClean } from '../harness/history-hygiene.ts';
import type { TestServerClock } from '../harness/test-server-clock.ts';
import { releaseLeakedTimeSkippingLocks } from '../harness/time-skipping.ts';
import { TestTalosClient } from '../sim/talos-grpc-client.ts';
import { ClusterProbe, startClusterWorkflow } from './cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from './lifecycle-stack.ts';

const day = 24 * 3_600_000;
const cluster = 'iota';
const ref = { namespace: 'default', name: cluster };
// The cluster's CAs end 30 months from now: by the second simulated year less than a year is left.
const caLeftMs = 30 * 30 * day;
const spec = simDesiredCluster(cluster, 96, {
  machineDeployments: [{ name: 'md-0', replicas: 1, machine: simDesiredCluster(cluster, 96).controlPlane.machine }],
  // One observation a week: each one calls Talos and the workload kube-apiserver with the Secrets' credentials.
  observeIntervalSeconds: 7 * 24 * 3600,
});

let stack: LifecycleStack;
let clock: TestServerClock;
let secrets: KubernetesSecretStore;
beforeAll(async () => {
  stack = await startLifecycleStack('renewal', 'time-skipping', { followTestServerTime: true });
  if (!stack.clock) throw new Error('the stack does not follow the test server time');
  clock = stack.clock;
  secrets = new KubernetesSecretStore(stack.management.kubeConfig);
  // A bundle made long ago (as for a cluster that has run for years): its CAs end in 30 months.
  const bundle = await generateSecretsBundle({ now: new Date(Date.now() + caLeftMs - caValidityMs), serviceAccountKey: 'ecdsa-p256' });
  await secrets.createIfAbsent(secretsBundleSecret(ref), serializeSecretsBundle(bundle), {
    labels: clusterSecretLabels(ref),
    type: clusterSecretType,
  });
}, 300_000);
afterAll(async () => {
  await stack.stop();
});

/** NotAfter of the talosconfig's and the kubeconfig's client certificates, as their Secrets hold them now. */
async function secretDates(): Promise<{ talosconfig: number; kubeconfig: number }> {
  const talosconfig = parseTalosconfig(await secrets.read(talosconfigSecret(ref))).credentials.certPem;
  const kubeconfig = parse(await secrets.read(kubeconfigSecret(ref))) as { users: { user: { 'client-certificate-data': string } }[] };
  const kubeCert = Buffer.from(kubeconfig.users[0]?.user['client-certificate-data'] ?? '', 'base64');
  return {
    talosconfig: Date.parse(new X509Certificate(talosconfig).validTo),
    kubeconfig: Date.parse(new X509Certificate(kubeCert).validTo),
  };
}

/** What a user does with the Secrets: Talos Version on every node, and list the Nodes. */
async function everyCallWorks(addresses: readonly string[]): Promise<void> {
  const talos = parseTalosconfig(await secrets.read(talosconfigSecret(ref))).credentials;
  const creds = credentials.createSsl(Buffer.from(talos.caPem), Buffer.from(talos.keyPem), Buffer.from(talos.certPem));
  for (const address of addresses) {
    const client = new TestTalosClient(address, creds);
    try {
      expect((await client.unary('Version')).messages).toHaveLength(1);
    } finally {
      client.close();
    }
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(await secrets.read(kubeconfigSecret(ref)));
  expect((await kubeConfig.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(addresses.length);
}

describe('certificates that renew', { timeout: 900_000 }, () => {
  it('keeps every call working across two simulated years, renewing both Secrets before they expire, and warns about the CAs', async () => {
    const handle = await startClusterWorkflow(stack.env.client, stack.taskQueue, spec, { historyLimit: 400 });
    const probe = new ClusterProbe(handle);
    const provisioned = await probe.settled(1);
    const addresses = provisioned.machines.map((m) => m.address ?? '');
    expect(addresses).toHaveLength(2);
    await everyCallWorks(addresses);

    await releaseLeakedTimeSkippingLocks(stack.env);
    const seen = { talosconfig: new Set<number>(), kubeconfig: new Set<number>() };
    let warnedAt: number | undefined;
    const start = clock.now();
    for (let month = 1; month <= 24; month += 1) {
      await stack.env.sleep(30 * day);
      const dates = await secretDates();
      // Never expired, and never within a month of it: renewed long before.
      expect(dates.talosconfig - clock.now()).toBeGreaterThan(30 * day);
      expect(dates.kubeconfig - clock.now()).toBeGreaterThan(30 * day);
      seen.talosconfig.add(dates.talosconfig);
      seen.kubeconfig.add(dates.kubeconfig);
      await everyCallWorks(addresses);
      const progress = await probe.progress();
      expect(progress.availability?.controlPlane.available).toBe(true);
      const condition = certificatesCondition(progress.credentials, ref);
      if (condition?.status === 'False') warnedAt ??= clock.now();
    }
    expect(clock.now() - start).toBeGreaterThan(700 * day);
    // Issued at provisioning, then renewed at least twice in two years. (More often here than the
    // eight months of a real one-year certificate: certificates start no later than the wall clock,
    // so with the test clock ahead of it their validity looks longer and a third of it is more.)
    expect(seen.talosconfig.size).toBeGreaterThanOrEqual(3);
    expect(seen.kubeconfig.size).toBeGreaterThanOrEqual(3);
    // The CAs end 30 months after the start: the warning comes once less than a year is left, not before.
    expect(warnedAt).toBeDefined();
    expect((warnedAt ?? 0) - start).toBeGreaterThan(17 * 30 * day);
    const last = certificatesCondition((await probe.progress()).credentials, ref);
    expect(last).toMatchObject({ status: 'False', reason: 'CertificateAuthorityExpiring' });
    expect(last?.message).toContain('Talos API CA');
    expect(last?.message).toContain('Kubernetes CA');
    expect(last?.message).toContain('talosctl rotate-ca');
    await assertHistoryClean(stack.env, handle.workflowId, [stack.proxmox.token.secret]);
  });
});
