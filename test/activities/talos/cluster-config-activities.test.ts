import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesSecretStore } from '../../../activities/kubernetes/secret-store.ts';
import { createClusterConfigActivities } from '../../../activities/talos/cluster-config-activities.ts';
import { parseSecretsBundle } from '../../../activities/talos/secrets-bundle-yaml.ts';
import { startManagementCluster, type ManagementCluster } from '../../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../../embedded/servers/temp-dir.ts';
import { machineConfigSecret, secretsBundleSecret, talosconfigSecret } from '../../../api/cluster-secrets.ts';

const dataDir = makeTempDir('cluster-config');
let management: ManagementCluster | undefined;
let secrets: KubernetesSecretStore;
let activities: ReturnType<typeof createClusterConfigActivities>;
const cluster = { namespace: 'default', name: 'gamma' };

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true });
  secrets = new KubernetesSecretStore(management.kubeConfig);
  activities = createClusterConfigActivities({ secrets });
});
afterAll(async () => {
  await management?.stop();
  dataDir.remove();
});

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(fn, ...args);
}

describe('cluster config activities', () => {
  it('creates one secrets bundle even when two workers race, and keeps it afterwards', async () => {
    const results = await Promise.all([
      run(activities.talosEnsureClusterSecrets, cluster),
      run(activities.talosEnsureClusterSecrets, cluster),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const first = await secrets.read(secretsBundleSecret(cluster));
    expect(await run(activities.talosEnsureClusterSecrets, cluster)).toEqual({ created: false });
    expect(await secrets.read(secretsBundleSecret(cluster))).toBe(first);
    expect(parseSecretsBundle(first).certs.os.crt).toContain('BEGIN CERTIFICATE');
  });

  it('renders a machine config into its Secret and returns only a name and a hash', async () => {
    const result = await run(activities.talosRenderMachineConfig, cluster, 'gamma-cp-1', {
      machineType: 'controlplane',
      clusterName: 'gamma',
      controlPlaneEndpoint: 'https://127.0.70.10:6443',
      kubernetesVersion: 'v1.34.2',
      installerImage: 'ghcr.io/siderolabs/installer:v1.12.1',
      network: { interface: 'eth0', addresses: ['127.0.70.11/24'], gateway: '127.0.70.1' },
    });
    expect(result).toEqual({ secret: 'gamma-cp-1-bootstrap-data', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(JSON.stringify(result)).not.toMatch(/PRIVATE KEY|crt|key:/);
    const config = parseYaml(await secrets.read(machineConfigSecret('default', 'gamma-cp-1'))) as { machine: { type: string } };
    expect(config.machine.type).toBe('controlplane');
  });

  it('writes the talosconfig once per set of endpoints', async () => {
    expect(await run(activities.talosWriteTalosconfig, cluster, ['127.0.70.11', '127.0.70.12'])).toEqual({ written: true });
    expect(await run(activities.talosWriteTalosconfig, cluster, ['127.0.70.12', '127.0.70.11'])).toEqual({ written: false });
    expect(await run(activities.talosWriteTalosconfig, cluster, ['127.0.70.11'])).toEqual({ written: true });
    const talosconfig = parseYaml(await secrets.read(talosconfigSecret(cluster))) as { context: string };
    expect(talosconfig.context).toBe('gamma');
  });

  it('removes every Talos secret of the cluster, and is fine when they are gone', async () => {
    expect(await run(activities.talosRemoveClusterSecrets, cluster, ['gamma-cp-1'])).toEqual({ removed: 3 });
    expect(await run(activities.talosRemoveClusterSecrets, cluster, ['gamma-cp-1'])).toEqual({ removed: 0 });
  });
});
