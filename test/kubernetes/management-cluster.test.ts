import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  ListWatch,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesListObject,
  type KubernetesObject,
  type V1CustomResourceDefinition,
  Watch,
} from '@kubernetes/client-node';
import { restartOnError } from '../../client/kubernetes/restart-on-error.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { delay } from '../../embedded/servers/managed-process.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';

const group = 'harness.capstan.dev';
const version = 'v1';
const plural = 'probes';
const namespace = 'default';

interface Probe extends KubernetesObject {
  spec?: { target?: string };
  status?: { phase?: string };
}

const probeCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'probe', kind: 'Probe', listKind: 'ProbeList' },
    versions: [
      {
        name: version,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { target: { type: 'string' } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

describe('management cluster (real etcd + kube-apiserver)', () => {
  const dataDir = makeTempDir('kube');
  let cluster: ManagementCluster | undefined;
  beforeAll(async () => {
    cluster = await startManagementCluster({ dataDir: dataDir.path, ephemeral: true });
  });
  afterAll(async () => {
    await cluster?.stop();
    dataDir.remove();
  });

  it('serves a CRD whose status subresource changes reach an informer', async () => {
    const kubeConfig = cluster!.kubeConfig;
    const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    const objects = kubeConfig.makeApiClient(CustomObjectsApi);
    await extensions.createCustomResourceDefinition({ body: probeCrd });
    await waitForEstablished(extensions, probeCrd.metadata!.name!);

    const informer = new ListWatch<Probe>(
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      new Watch(kubeConfig),
      () => objects.listNamespacedCustomObject({ group, version, namespace, plural }) as Promise<KubernetesListObject<Probe>>,
      false,
    );
    const events: string[] = [];
    const sawReady = new Promise<Probe>((resolve) => {
      informer.on('update', (probe) => {
        events.push(`update:${probe.status?.phase ?? '-'}`);
        if (probe.status?.phase === 'Ready') resolve(probe);
      });
    });
    informer.on('add', (probe) => events.push(`add:${probe.status?.phase ?? '-'}`));
    // A just-established CRD answers 429 until its watch cache is ready; the informer must survive that.
    const stopRestarting = restartOnError(informer, { initialDelayMs: 200 });
    await informer.start();
    try {
      await waitFor('the informer to list probes', () => informer.latestResourceVersion() !== '');
      await objects.createNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        body: { apiVersion: `${group}/${version}`, kind: 'Probe', metadata: { name: 'first' }, spec: { target: 'etcd' } },
      });
      // The main resource endpoint ignores status; only the subresource may set it.
      await objects.patchNamespacedCustomObjectStatus(
        { group, version, namespace, plural, name: 'first', body: { status: { phase: 'Ready' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const updated = await Promise.race([sawReady, delay(30_000).then(() => undefined)]);
      expect(updated, `informer saw: ${events.join(', ')}`).toBeDefined();
      expect(events).toEqual(['add:-', 'update:Ready']);
      expect(updated?.spec?.target).toBe('etcd');
      expect(informer.get('first', namespace)?.status?.phase).toBe('Ready');
    } finally {
      stopRestarting();
      await informer.stop();
    }
  });

  it('writes an admin kubeconfig that a fresh client can use', async () => {
    const { KubeConfig, CoreV1Api } = await import('@kubernetes/client-node');
    const fromFile = new KubeConfig();
    fromFile.loadFromFile(cluster!.kubeconfigPath);
    const namespaces = await fromFile.makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((ns) => ns.metadata?.name)).toContain('kube-system');
  });
});

async function waitForEstablished(api: ApiextensionsV1Api, name: string): Promise<void> {
  await waitFor(`CRD ${name} to be Established`, async () => {
    const crd = await api.readCustomResourceDefinition({ name });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (await check()) return;
    await delay(200);
  }
  throw new Error(`timed out after 30 s waiting for ${what}`);
}
