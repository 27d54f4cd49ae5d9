// What `capstan generate cluster` prints applies unchanged to a real kube-apiserver with Capstan's
// CRDs: `kubectl apply -f -` as a user runs it (server-side dry run, strict field validation), no
// warning, and every spec comes back as written (nothing pruned, nothing defaulted away).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { kubectl, kubectlOutputAsync } from '../deploy/kustomize.ts';
import { generate, proxmoxFlags, type GeneratedManifest } from './generate-run.ts';

const dir = makeTempDir('generate-apply');
let management: ManagementCluster;

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: join(dir.path, 'management'), ephemeral: true, capstanCrds: true });
  kubectl(['create', 'namespace', 'team-a'], { kubeconfig: management.kubeconfigPath });
}, 180_000);
afterAll(async () => {
  await management.stop();
  dir.remove();
});

describe('generated manifests on a real kube-apiserver', { timeout: 60_000 }, () => {
  it.each([
    ['the defaults', 'alpha', []],
    [
      '3 control planes and 4 workers in another namespace, drain timeout set',
      'beta',
      ['--control-plane-machine-count', '3', '--worker-machine-count', '4', '--target-namespace', 'team-a', '--node-drain-timeout', '90s'],
    ],
    [
      'a load balancer of your own (annotated ProxmoxCluster, port 8443)',
      'gamma',
      ['--external-load-balancer', '--control-plane-endpoint-ip', '192.168.5.5', '--control-plane-endpoint-port', '8443'],
    ],
    ['the topology flavor: a ClusterClass with its templates, and a Cluster of it', 'delta', ['--flavor', 'topology']],
    [
      'the topology flavor, 3 control planes and 4 workers in another namespace, drain timeout and load balancer set',
      'epsilon',
      [
        '--flavor',
        'topology',
        '--class-name',
        'team-a-class',
        '--control-plane-machine-count',
        '3',
        '--worker-machine-count',
        '4',
        '--target-namespace',
        'team-a',
        '--node-drain-timeout',
        '90s',
        '--external-load-balancer',
        '--control-plane-endpoint-ip',
        '192.168.5.5',
        '--control-plane-endpoint-port',
        '8443',
      ],
    ],
    ['the topology flavor, the Cluster alone', 'zeta', ['--flavor', 'topology', '--cluster-only', '--worker-machine-count', '2']],
  ])('%s: kubectl apply takes every object as written, without a warning', async (_case, name, args) => {
    const { yaml, objects } = await generate(name, [...proxmoxFlags, ...args]);
    // Not kubectlOutput: this process serves the conversion webhook the dry run calls.
    const { stdout, stderr } = await kubectlOutputAsync(['apply', '--dry-run=server', '--validate=strict', '-o', 'json', '-f', '-'], {
      kubeconfig: management.kubeconfigPath,
      input: yaml,
    });
    expect(stderr).toBe('');
    // kubectl prints one object as itself, several as a List.
    const printed = JSON.parse(stdout) as GeneratedManifest;
    const stored: GeneratedManifest[] = printed.kind === 'List' ? (printed['items'] as GeneratedManifest[]) : [printed];
    expect(stored.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    stored.forEach((object, index) => {
      expect(object['spec'], `${object.kind} ${object.metadata.name}`).toEqual(objects[index]?.['spec']);
      expect(object.metadata).toMatchObject(objects[index]?.metadata ?? {});
    });
  });
});
