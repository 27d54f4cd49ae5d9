import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { SecretKeyRef } from '../../api/cluster-secrets.ts';
import { ErrorType } from '../../api/errors.ts';
import { failure } from '../failure.ts';
import { classifyKubernetesError } from './kubernetes-errors.ts';
import { httpStatusOf, isNotFound } from '../../runtime/kubernetes-api-errors.ts';

/** Labels and type a written Secret gets. */
export interface SecretMeta {
  readonly labels?: Readonly<Record<string, string>>;
  /** Secret type; CAPI uses `cluster.x-k8s.io/secret` for cluster secrets. */
  readonly type?: string;
}

/**
 * Where talosconfigs, kubeconfigs and machine configs live, so workflow inputs and results only
 * carry references and no secret ever lands in workflow history.
 */
export interface SecretStore {
  /** The value under `ref.key`; a missing Secret or key is a non-retryable SecretNotFound failure. */
  read(ref: SecretKeyRef): Promise<string>;
  /** Creates the Secret or sets `ref.key` in it, keeping its other keys. */
  write(ref: SecretKeyRef, value: string, meta?: SecretMeta): Promise<void>;
  /** Creates the Secret only if it does not exist; false when it did (its value is kept). */
  createIfAbsent(ref: SecretKeyRef, value: string, meta?: SecretMeta): Promise<boolean>;
  /** Deletes the whole Secret; false when it was already gone. */
  remove(namespace: string, name: string): Promise<boolean>;
  /**
   * Sets an annotation unless the Secret already has it (a durable fact is recorded once, with its
   * first time); returns the value it holds now, or undefined when the Secret does not exist.
   */
  annotateOnce(namespace: string, name: string, key: string, value: string): Promise<string | undefined>;
}

/** A SecretStore over Kubernetes Secrets (the management cluster's). */
export class KubernetesSecretStore implements SecretStore {
  private readonly api: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async read(ref: SecretKeyRef): Promise<string> {
    const secret = await this.get(ref);
    const encoded = secret?.data?.[ref.key];
    if (encoded === undefined) {
      const what = secret ? `has no key "${ref.key}"` : 'does not exist';
      throw failure(ErrorType.SecretNotFound, `Secret ${ref.namespace}/${ref.name} ${what}`);
    }
    return Buffer.from(encoded, 'base64').toString('utf8');
  }

  async write(ref: SecretKeyRef, value: string, meta: SecretMeta = {}): Promise<void> {
    const data = { [ref.key]: Buffer.from(value, 'utf8').toString('base64') };
    const labels = meta.labels ? { ...meta.labels } : undefined;
    // Create first; a Secret that exists (or appears concurrently) gets its key merged in.
    for (let attempt = 0; ; attempt++) {
      if (!(await this.get(ref))) {
        try {
          await this.api.createNamespacedSecret({
            namespace: ref.namespace,
            body: { metadata: { name: ref.name, namespace: ref.namespace, labels }, type: meta.type ?? 'Opaque', data },
          });
          return;
        } catch (error) {
          if (httpStatusOf(error) === 409 && attempt < 3) continue;
          throw classifyKubernetesError(error, `creating Secret ${ref.namespace}/${ref.name}`);
        }
      }
      try {
        await this.api.patchNamespacedSecret(
          { name: ref.name, namespace: ref.namespace, body: { metadata: { labels }, data } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        return;
      } catch (error) {
        if (isNotFound(error) && attempt < 3) continue;
        throw classifyKubernetesError(error, `updating Secret ${ref.namespace}/${ref.name}`);
      }
    }
  }

  async createIfAbsent(ref: SecretKeyRef, value: string, meta: SecretMeta = {}): Promise<boolean> {
    try {
      await this.api.createNamespacedSecret({
        namespace: ref.namespace,
        body: {
          metadata: { name: ref.name, namespace: ref.namespace, ...(meta.labels ? { labels: { ...meta.labels } } : {}) },
          type: meta.type ?? 'Opaque',
          data: { [ref.key]: Buffer.from(value, 'utf8').toString('base64') },
        },
      });
      return true;
    } catch (error) {
      if (httpStatusOf(error) === 409) return false;
      throw classifyKubernetesError(error, `creating Secret ${ref.namespace}/${ref.name}`);
    }
  }

  async remove(namespace: string, name: string): Promise<boolean> {
    try {
      await this.api.deleteNamespacedSecret({ name, namespace });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw classifyKubernetesError(error, `deleting Secret ${namespace}/${name}`);
    }
  }

  async annotateOnce(namespace: string, name: string, key: string, value: string): Promise<string | undefined> {
    for (let attempt = 0; ; attempt++) {
      const secret = await this.get({ namespace, name, key: '' });
      if (!secret) return undefined;
      const held = secret.metadata?.annotations?.[key];
      if (held !== undefined) return held;
      try {
        // resourceVersion makes the patch a precondition: a concurrent first writer wins, we read theirs.
        await this.api.patchNamespacedSecret(
          { name, namespace, body: { metadata: { annotations: { [key]: value }, resourceVersion: secret.metadata?.resourceVersion } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        return value;
      } catch (error) {
        if ((httpStatusOf(error) === 409 || isNotFound(error)) && attempt < 3) continue;
        throw classifyKubernetesError(error, `annotating Secret ${namespace}/${name}`);
      }
    }
  }

  private async get(ref: SecretKeyRef): Promise<V1Secret | undefined> {
    try {
      return await this.api.readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw classifyKubernetesError(error, `reading Secret ${ref.namespace}/${ref.name}`);
    }
  }
}
