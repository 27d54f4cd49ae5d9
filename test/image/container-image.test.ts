// The container image, built from the Dockerfile with buildah (tools/build-image.sh), its entry
// points run once from the built filesystem: the worker runs workflow code from the bundle built
// into the image and drains on SIGTERM; the controller takes the Lease on the real kube-apiserver,
// connects to Temporal and releases the Lease on SIGTERM. Non-root, no devDependencies.
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capstanCrds } from '../../api/crds.ts';
import { clusterProgressQuery } from '../../api/cluster-messages.ts';
import { newClusterState, type ClusterWorkflow } from '../../api/cluster-workflow-state.ts';
import { TaskQueue } from '../../api/task-queues.ts';
import { applyCrds } from '../../client/kubernetes/apply-crds.ts';
import { eventually } from '../../embedded/servers/eventually.ts';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/servers/temporal-dev-server.ts';
import { projectDir } from '../../tools/tool-paths.ts';
import { buildImage, imageConfig, imageContainer, stopEntryPoint, type ImageConfig, type ImageContainer } from './image-container.ts';

const dir = makeTempDir('image');
let container: ImageContainer | undefined;
let config: ImageConfig;
let temporal: TemporalDevServer | undefined;
let management: ManagementCluster | undefined;
// The image's user is not root: it reads a copy of the admin kubeconfig, mounted as a Secret would be.
const kubeconfig = { host: join(dir.path, 'kubeconfig'), image: '/etc/capstan/kubeconfig' };

beforeAll(async () => {
  const [imageId, startedTemporal, startedManagement] = await Promise.all([
    buildImage(),
    startTemporalDevServer(),
    startManagementCluster({ dataDir: join(dir.path, 'management'), ephemeral: true }),
  ]);
  temporal = startedTemporal;
  management = startedManagement;
  await applyCrds(management.kubeConfig, capstanCrds);
  copyFileSync(management.kubeconfigPath, kubeconfig.host);
  chmodSync(kubeconfig.host, 0o644);
  config = imageConfig(imageId);
  container = imageContainer(imageId);
}, 900_000); // the first build also makes the base image and downloads every package
afterAll(async () => {
  container?.remove();
  await management?.stop();
  await temporal?.stop();
  dir.remove();
});

const env = (): Record<string, string> => ({
  TEMPORAL_ADDRESS: temporal!.address,
  TEMPORAL_NAMESPACE: temporal!.namespace,
  KUBECONFIG: kubeconfig.image,
});
const volumes = (): string[] => [`${kubeconfig.host}:${kubeconfig.image}:ro`];

describe('the container image', () => {
  it('runs as a non-root numeric user, with production dependencies only and no TypeScript sources', () => {
    expect(config.User).toBe('10001:10001');
    expect(container!.exec(['id', '-u'])).toBe('10001');
    expect(config.WorkingDir).toBe('/app');
    // Every package the lockfile marks dev-only (typescript, vitest, tsx, eslint and what they pull in).
    const lock = JSON.parse(readFileSync(join(projectDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev === true)
      .map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest', 'node_modules/tsx']));
    const present = container!.exec([
      'node',
      '-e',
      `const fs = require('node:fs'); console.log(JSON.stringify(${JSON.stringify([...devOnly, 'workers/main.ts', 'workflows/index.ts'])}.filter((p) => fs.existsSync(p))))`,
    ]);
    expect(JSON.parse(present)).toEqual([]);
    expect(container!.exec(['ls', 'dist'])).toContain('workflow-bundle.js');
  });

  it("carries the system root CA bundle, which the worker's Temporal connection (rustls, native roots) needs for TLS", () => {
    const roots = container!.exec([
      'node',
      '-e',
      "console.log(require('node:fs').readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8').split('BEGIN CERTIFICATE').length - 1)",
    ]);
    expect(Number(roots)).toBeGreaterThan(100); // Debian's bundle: about 140 Mozilla roots
  });

  it(
    'starts the worker by default; it runs workflow code from the built bundle and exits cleanly on SIGTERM',
    { timeout: 180_000 },
    async () => {
      // The image's own CMD and environment, as a Deployment without `command` runs it.
      expect(config.Cmd).toEqual(['node', 'dist/workers/main.js']);
      expect(config.Env).toContain('CAPSTAN_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
      const worker = container!.start('image worker', config.Cmd!, { env: env(), volumes: volumes() });
      const client = new Client({ connection: temporal!.connection, namespace: temporal!.namespace });
      const workflowId = `image-test-${Date.now()}`;
      try {
        await eventually(
          () => {
            expect(worker.logTail()).toContain(`capstan worker polling ${temporal!.address}`);
          },
          120_000,
          200,
        );
        expect(worker.logTail()).not.toContain('Workflow bundle created'); // loaded, not bundled at start-up
        const handle = await client.workflow.start<ClusterWorkflow>('clusterWorkflow', {
          taskQueue: TaskQueue.lifecycle,
          workflowId,
          args: [newClusterState('default', 'image-test')],
        });
        // Only the image's worker polls this task queue: its answer comes from the bundled workflow code.
        const progress = await handle.query(clusterProgressQuery);
        expect(progress).toMatchObject({ phase: 'Idle', operations: 0 });
        await handle.terminate('image test done');
        expect(await stopEntryPoint(worker)).toBe(0);
        expect(worker.logTail()).toContain("state: 'STOPPED'");
      } finally {
        await worker.stop();
      }
    },
  );

  it('runs the controller: it takes the Lease on the kube-apiserver, then releases it on SIGTERM', { timeout: 180_000 }, async () => {
    const identity = `image-controller-${Date.now()}`;
    const controller = container!.start('image controller', ['node', 'dist/client/controller/main.js'], {
      env: { ...env(), CAPSTAN_CONTROLLER_IDENTITY: identity },
      volumes: volumes(),
    });
    const leases = management!.kubeConfig.makeApiClient(CoordinationV1Api);
    const holder = async () =>
      (await leases.readNamespacedLease({ namespace: 'default', name: 'capstan-controller' })).spec?.holderIdentity;
    try {
      await eventually(
        async () => {
          expect(await holder()).toBe(identity);
        },
        120_000,
        200,
      );
      expect(controller.logTail()).toContain(`Temporal ${temporal!.address} namespace ${temporal!.namespace}`);
      expect(await stopEntryPoint(controller)).toBe(0);
      expect(await holder()).toBe('');
    } finally {
      await controller.stop();
    }
  });
});
