import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { parse as parseYaml } from 'yaml';
import type { MachineConfigInput } from '../../api/talos/machine-config-input.ts';
import type { SecretStore } from '../kubernetes/secret-store.ts';
import { generateSecretsBundle } from './generate-secrets-bundle.ts';
import { renderMachineConfig } from './render-machine-config.ts';
import { parseSecretsBundle, serializeSecretsBundle } from './secrets-bundle-yaml.ts';
import type { SecretsBundle } from './secrets-bundle.ts';
import { generateTalosconfig } from './talosconfig.ts';
import {
  clusterSecretLabels,
  clusterSecretType,
  kubeconfigSecret,
  machineConfigSecret,
  secretsBundleSecret,
  talosconfigSecret,
} from '../../api/cluster-secrets.ts';
import type { ClusterRef } from '../../api/cluster-ref.ts';

/** What a rendered config is known by in workflow history: where it is and its hash, never its text. */
export interface RenderedConfigRef {
  readonly secret: string;
  readonly sha256: string;
}

/**
 * Activities that create a cluster's Talos secrets and render machine configs into Secrets.
 * Inputs and results hold names and hashes only, so no key material enters workflow history.
 */
export function createClusterConfigActivities(deps: { readonly secrets: SecretStore; readonly clock?: () => Date }) {
  const { secrets } = deps;
  const now = deps.clock ?? (() => new Date());
  const meta = (ref: ClusterRef) => ({ labels: clusterSecretLabels(ref), type: clusterSecretType });

  const readBundle = async (ref: ClusterRef): Promise<SecretsBundle> => parseSecretsBundle(await secrets.read(secretsBundleSecret(ref)));

  return {
    /** Generates the cluster's CAs and tokens once; later calls (and racing ones) keep the first bundle. */
    talosEnsureClusterSecrets: async (ref: ClusterRef): Promise<{ readonly created: boolean }> => {
      const existing = await readBundle(ref).then(
        () => true,
        () => false,
      );
      if (existing) return { created: false };
      Context.current().heartbeat('generating keys');
      const bundle = await generateSecretsBundle({ now: new Date() });
      return { created: await secrets.createIfAbsent(secretsBundleSecret(ref), serializeSecretsBundle(bundle), meta(ref)) };
    },

    /** Writes the admin talosconfig for the given control-plane endpoints (unchanged endpoints: nothing to do). */
    talosWriteTalosconfig: async (ref: ClusterRef, endpoints: readonly string[]): Promise<{ readonly written: boolean }> => {
      const current = await secrets.read(talosconfigSecret(ref)).catch(() => undefined);
      const wanted = [...endpoints].sort();
      if (current !== undefined && sameEndpoints(current, ref.name, wanted)) return { written: false };
      const talosconfig = await generateTalosconfig(await readBundle(ref), { contextName: ref.name, endpoints: wanted, now: now() });
      await secrets.write(talosconfigSecret(ref), talosconfig, meta(ref));
      return { written: true };
    },

    /** Renders one machine's config from the cluster's bundle into `<machine>-bootstrap-data`. */
    talosRenderMachineConfig: async (ref: ClusterRef, machine: string, input: MachineConfigInput): Promise<RenderedConfigRef> => {
      const rendered = renderMachineConfig(input, await readBundle(ref));
      const target = machineConfigSecret(ref.namespace, machine);
      await secrets.write(target, rendered.yaml, meta(ref));
      return { secret: target.name, sha256: createHash('sha256').update(rendered.yaml).digest('hex') };
    },

    /** Deletes one machine's rendered config (the machine is gone). */
    talosRemoveMachineConfig: async (ref: ClusterRef, machine: string): Promise<{ readonly removed: boolean }> => ({
      removed: await secrets.remove(ref.namespace, machineConfigSecret(ref.namespace, machine).name),
    }),

    /** Deletes the cluster's Talos secrets, talosconfig, kubeconfig and the given machines' configs (delete of a cluster). */
    talosRemoveClusterSecrets: async (ref: ClusterRef, machines: readonly string[]): Promise<{ readonly removed: number }> => {
      const names = [
        secretsBundleSecret(ref).name,
        talosconfigSecret(ref).name,
        kubeconfigSecret(ref).name,
        ...machines.map((m) => machineConfigSecret(ref.namespace, m).name),
      ];
      let removed = 0;
      for (const name of names) if (await secrets.remove(ref.namespace, name)) removed += 1;
      return { removed };
    },
  };
}

// The talosconfig's endpoints for the cluster's context, compared without caring for order.
function sameEndpoints(talosconfig: string, context: string, wanted: readonly string[]): boolean {
  const parsed = parseYaml(talosconfig) as { contexts?: Record<string, { endpoints?: unknown }> } | null;
  const endpoints = parsed?.contexts?.[context]?.endpoints;
  const current = Array.isArray(endpoints) ? endpoints.map(String).sort() : [];
  return current.length === wanted.length && current.every((endpoint, i) => endpoint === wanted[i]);
}
