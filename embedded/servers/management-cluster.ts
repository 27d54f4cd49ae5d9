import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { capstanCrdsWith } from '../../api/crds.ts';
import { applyCrds } from '../../client/kubernetes/apply-crds.ts';
import { startLoopbackConversionWebhook, type LoopbackConversionWebhook } from './conversion-webhook.ts';
import { startEtcd, type Etcd } from './etcd.ts';
import { startKubeApiserver, type KubeApiserver } from './kube-apiserver.ts';

export interface ManagementClusterOptions {
  /** etcd data, certificates, token and kubeconfig live here. */
  readonly dataDir: string;
  readonly apiserverPort?: number;
  readonly etcdClientPort?: number;
  readonly etcdPeerPort?: number;
  /** Throwaway data: etcd skips fsync. */
  readonly ephemeral?: boolean;
  readonly logDir?: string;
  /** More kube-apiserver flags, e.g. an audit policy and log. */
  readonly apiserverArgs?: readonly string[];
  /**
   * Install Capstan's CRDs as deploy/ does: cluster.x-k8s.io stored as v1beta2 and served as
   * v1beta1 too, through a conversion webhook on loopback that lives as long as the cluster (the
   * one a controller replica serves in a real management cluster).
   */
  readonly capstanCrds?: boolean;
}

/** A real etcd + kube-apiserver pair, envtest-style, with an admin kubeconfig. */
export interface ManagementCluster {
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  readonly apiserver: KubeApiserver;
  readonly etcd: Etcd;
  /** With `capstanCrds`: the webhook the CRDs name. */
  readonly conversionWebhook?: LoopbackConversionWebhook;
  stop(): Promise<void>;
}

/** Starts etcd, then kube-apiserver on it, and writes `<dataDir>/kubeconfig`; then the CRDs if asked. */
export async function startManagementCluster(options: ManagementClusterOptions): Promise<ManagementCluster> {
  if (!options.capstanCrds) return startBareManagementCluster(options);
  const webhook = await startLoopbackConversionWebhook();
  let cluster: ManagementCluster;
  try {
    cluster = await startBareManagementCluster(options);
  } catch (error) {
    await webhook.close();
    throw error;
  }
  // Every read in the other version (the garbage collector's, a namespace deletion's) needs the
  // webhook: it stops after the API server.
  const stop = async () => {
    await cluster.stop();
    await webhook.close();
  };
  try {
    await applyCrds(cluster.kubeConfig, capstanCrdsWith(webhook.crdOptions));
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...cluster, conversionWebhook: webhook, stop };
}

async function startBareManagementCluster(options: ManagementClusterOptions): Promise<ManagementCluster> {
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = (name: string) => (options.logDir ? { logFile: join(options.logDir, `${name}.log`) } : {});
  const etcd = await startEtcd({
    name: 'management cluster etcd',
    dataDir: join(options.dataDir, 'etcd'),
    unsafeNoFsync: options.ephemeral ?? false,
    ...(options.etcdClientPort ? { clientPort: options.etcdClientPort } : {}),
    ...(options.etcdPeerPort ? { peerPort: options.etcdPeerPort } : {}),
    ...logFile('etcd'),
  });
  let apiserver: KubeApiserver;
  try {
    apiserver = await startKubeApiserver({
      name: 'management cluster kube-apiserver',
      etcdUrl: etcd.clientUrl,
      dataDir: options.dataDir,
      ...(options.apiserverPort ? { port: options.apiserverPort } : {}),
      ...logFile('kube-apiserver'),
      ...(options.apiserverArgs ? { extraArgs: options.apiserverArgs } : {}),
    });
  } catch (error) {
    await etcd.stop();
    throw error;
  }
  const kubeConfig = adminKubeConfig(apiserver);
  const kubeconfigPath = join(options.dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, stringify(JSON.parse(kubeConfig.exportConfig())), { mode: 0o600 });
  return {
    kubeconfigPath,
    kubeConfig,
    apiserver,
    etcd,
    stop: async () => {
      await apiserver.stop();
      await etcd.stop();
    },
  };
}

function adminKubeConfig(apiserver: KubeApiserver): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'capstan-management', server: apiserver.url, caData: Buffer.from(apiserver.caPem).toString('base64') }],
    users: [{ name: 'capstan-admin', token: apiserver.adminToken }],
    contexts: [{ name: 'capstan-management', cluster: 'capstan-management', user: 'capstan-admin' }],
    currentContext: 'capstan-management',
  });
  return kubeConfig;
}
