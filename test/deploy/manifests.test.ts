// deploy/ as a user applies it: every kustomization builds, the real kube-apiserver accepts every
// object of each (server-side dry run, no Pod Security warning), and the containers keep to the
// rules the manifests promise. The README's `kubectl auth can-i --list` tables are what the API
// server answers each ServiceAccount once deploy/base is applied.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementCluster, type ManagementCluster } from '../../embedded/servers/management-cluster.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { parseHealthAddress } from '../../runtime/health-server.ts';
import { conversionWebhookCrdNames, webhookService } from '../../api/crds.ts';
import { projectDir } from '../../tools/tool-paths.ts';
import { writeServiceAccountKubeconfig } from '../harness/service-account-kubeconfig.ts';
import { canITable, readmeTable, withReadmeTable } from './can-i-table.ts';
import { buildObjects, buildYaml, deployTargets, kubectl, kubectlOutput, type BuiltObject } from './kustomize.ts';

const system = 'capstan-system';
const dir = makeTempDir('deploy-manifests');
let management: ManagementCluster;

beforeAll(async () => {
  management = await startManagementCluster({ dataDir: join(dir.path, 'management'), ephemeral: true });
}, 180_000);
afterAll(async () => {
  await management.stop();
  dir.remove();
});

interface Container {
  readonly name: string;
  readonly command?: string[];
  readonly env?: { name: string; value?: string }[];
  readonly ports?: { name: string; containerPort: number }[];
  readonly readinessProbe?: { httpGet?: { path: string; port: string } };
  readonly livenessProbe?: { httpGet?: { path: string; port: string } };
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: Record<string, unknown>;
  readonly volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  readonly metadata?: { readonly annotations?: Record<string, string> };
  readonly spec: PodSpec;
}
interface PodSpec {
  readonly serviceAccountName?: string;
  readonly securityContext?: Record<string, unknown>;
  readonly containers: Container[];
  readonly volumes?: { name: string }[];
}
const podSpecOf = (deployment: BuiltObject): PodSpec =>
  (deployment as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

describe('deploy/', { timeout: 180_000 }, () => {
  const targets = deployTargets();

  it('has the base and overlays for production (mTLS) and Temporal Cloud (API key)', () => {
    expect(targets).toEqual(['base', 'overlays/production', 'overlays/temporal-cloud']);
  });

  it.each(targets)('%s: every object is accepted by the real kube-apiserver (server-side dry run), without a warning', (target) => {
    const yaml = buildYaml(target);
    // The namespace must exist for what goes in it (a dry run persists nothing), with its Pod Security labels.
    const namespace = buildObjects(target).filter((o) => o.kind === 'Namespace');
    expect(namespace.map((n) => n.metadata.name)).toEqual([system]);
    kubectl(['apply', '--server-side', '-f', '-'], { kubeconfig: management.kubeconfigPath, input: JSON.stringify(namespace[0]) });
    const { stdout, stderr } = kubectlOutput(['apply', '--server-side', '--dry-run=server', '-f', '-'], {
      kubeconfig: management.kubeconfigPath,
      input: yaml,
    });
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(buildObjects(target).length);
  });

  it.each(targets)(
    '%s: both Deployments run non-root, read-only, without capabilities, probed on their health endpoints, scraped on their metrics port, with resources',
    (target) => {
      const objects = buildObjects(target);
      const deployments = objects.filter((o) => o.kind === 'Deployment');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['capstan-controller', 'capstan-worker']);
      for (const deployment of deployments) {
        const pod = podSpecOf(deployment);
        expect(pod.serviceAccountName).toBe(deployment.metadata.name);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        const [container] = pod.containers;
        expect(pod.containers).toHaveLength(1);
        expect(container?.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container?.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        const health = container?.env?.find((e) => e.name === 'CAPSTAN_HEALTH_ADDRESS')?.value ?? '';
        expect(health).toBe('[::]:8081'); // every address: the kubelet probes the pod's IP, IPv4 or IPv6
        expect(container?.ports).toContainEqual({ name: 'health', containerPort: parseHealthAddress(health).port });
        if (deployment.metadata.name === 'capstan-controller') {
          // Every replica serves the conversion webhook, behind the Service config/crd names.
          const webhook = container?.env?.find((e) => e.name === 'CAPSTAN_WEBHOOK_ADDRESS')?.value ?? '';
          expect(container?.ports).toContainEqual({ name: 'webhook', containerPort: parseHealthAddress(webhook).port });
          // It may write the caBundle of exactly the CRDs that name the webhook.
          const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'capstan-controller') as
            { rules: { apiGroups: string[]; resourceNames?: string[] }[] } | undefined;
          const crdRule = role?.rules.find((r) => r.apiGroups.includes('apiextensions.k8s.io'));
          expect([...(crdRule?.resourceNames ?? [])].sort()).toEqual([...conversionWebhookCrdNames].sort());
          const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === webhookService.name);
          expect(service?.metadata.namespace).toBe(webhookService.namespace);
          expect(service?.['spec']).toEqual({
            selector: (deployment['spec'] as { selector: { matchLabels: unknown } }).selector.matchLabels,
            ports: [{ name: 'webhook', port: webhookService.port, targetPort: 'webhook' }],
          });
        }
        const metrics = container?.env?.find((e) => e.name === 'CAPSTAN_METRICS_ADDRESS')?.value ?? '';
        expect(metrics).toBe('[::]:9090'); // every address: Prometheus scrapes the pod's IP
        const metricsPort = parseHealthAddress(metrics, 'CAPSTAN_METRICS_ADDRESS').port;
        expect(container?.ports).toContainEqual({ name: 'metrics', containerPort: metricsPort });
        // Scraped by annotation: no Prometheus operator CRDs needed.
        const template = (deployment as unknown as { spec: { template: PodTemplate } }).spec.template;
        expect(template.metadata?.annotations).toEqual({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(metricsPort),
          'prometheus.io/path': '/metrics',
        });
        expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
        expect(container?.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'health' });
        expect(Object.keys(container?.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(container?.resources?.limits ?? {})).toEqual(['memory']);
        // The entry points the image builds (Dockerfile: WORKDIR /app, dist/ compiled).
        expect(container?.command).toEqual([
          'node',
          deployment.metadata.name === 'capstan-worker' ? 'dist/workers/main.js' : 'dist/client/controller/main.js',
        ]);
        const budget = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === deployment.metadata.name);
        expect(budget?.['spec']).toEqual({ maxUnavailable: 1, selector: (deployment['spec'] as { selector: unknown }).selector });
      }
    },
  );

  it('overlays/production: both Deployments read the payload keys from the Secret capstan-codec-keys', () => {
    const deployments = buildObjects('overlays/production').filter((o) => o.kind === 'Deployment');
    expect(deployments).toHaveLength(2);
    for (const deployment of deployments) {
      const pod = podSpecOf(deployment);
      const [container] = pod.containers;
      expect(pod.volumes).toContainEqual({ name: 'codec-keys', secret: { secretName: 'capstan-codec-keys' } });
      expect(container?.volumeMounts).toContainEqual({ name: 'codec-keys', mountPath: '/etc/capstan/codec-keys', readOnly: true });
      expect(container?.env).toContainEqual({ name: 'CAPSTAN_CODEC_KEYS', value: '/etc/capstan/codec-keys' });
    }
  });

  it.each(targets)('%s: grants no wildcard and nothing beyond the two ServiceAccounts', (target) => {
    const objects = buildObjects(target);
    for (const role of objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      const rules = (role['rules'] ?? []) as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
      expect(
        rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]),
        role.metadata.name,
      ).not.toContain('*');
    }
    const subjects = objects
      .filter((o) => o.kind.endsWith('Binding'))
      .flatMap((o) => (o['subjects'] ?? []) as { kind: string; name: string; namespace: string }[]);
    expect(new Set(subjects.map((s) => `${s.kind} ${s.namespace}/${s.name}`))).toEqual(
      new Set([`ServiceAccount ${system}/capstan-controller`, `ServiceAccount ${system}/capstan-worker`]),
    );
  });

  it("README's permission tables are what the API server answers each ServiceAccount (kubectl auth can-i --list)", async () => {
    kubectl(['apply', '--server-side', '-f', '-'], { kubeconfig: management.kubeconfigPath, input: buildYaml('base') });
    const readmeFile = join(projectDir, 'README.md');
    let readme = readFileSync(readmeFile, 'utf8');
    for (const account of ['capstan-controller', 'capstan-worker']) {
      const kubeconfig = join(dir.path, `${account}.kubeconfig`);
      await writeServiceAccountKubeconfig(management.kubeConfig, { namespace: system, name: account }, kubeconfig);
      const table = canITable(kubeconfig, system, 'default');
      if (process.env['CAPSTAN_UPDATE_README'] === '1') readme = withReadmeTable(readme, account, table);
      expect(readmeTable(readme, account), `README.md's table of ${account} (CAPSTAN_UPDATE_README=1 rewrites it)`).toBe(table);
    }
    if (process.env['CAPSTAN_UPDATE_README'] === '1') writeFileSync(readmeFile, readme);
  });
});
