import { capiCrds } from './capi/crds.ts';
import { machineHealthCheckCrd } from './capi/machine-health-check.ts';
import { machineSetCrd } from './capi/machine-set.ts';
import { proxmoxMachineCrd } from './capi/proxmox-machine.ts';
import { capiV1Beta2Crds } from './capi/v1beta2/crds.ts';
import type { ConversionWebhookClient, CrdManifest } from './crd/define-crd.ts';
import { ipamCrds } from './ipam.ts';

/** The inventory kinds Capstan writes per machine: MachineSets and ProxmoxMachines (Machines are in capiCrds). */
export const inventoryCrds: readonly CrdManifest[] = [machineSetCrd, proxmoxMachineCrd];

/** Every CRD Capstan needs, cluster.x-k8s.io in v1beta1 only: for tools and tests that need no webhook. */
export const capstanCrds: readonly CrdManifest[] = [...capiCrds, machineHealthCheckCrd, ...inventoryCrds, ...ipamCrds];

/** How `capstanCrdsWith` installs the kinds: today only whether cluster.x-k8s.io serves v1beta2. */
export interface CrdOptions {
  /**
   * Store Cluster and MachineDeployment as v1beta2 and serve v1beta1 through this conversion
   * webhook. Absent: v1beta1 only, as `capstanCrds`.
   */
  readonly v1beta2Webhook?: ConversionWebhookClient;
}

/** `capstanCrds`, or with the options' changes (the same CRDs in the same order). */
export function capstanCrdsWith(options: CrdOptions): readonly CrdManifest[] {
  const webhook = options.v1beta2Webhook;
  if (webhook === undefined) return capstanCrds;
  const replacements = new Map(capiV1Beta2Crds(webhook).map((crd) => [crd.metadata.name, crd]));
  return capstanCrds.map((crd) => replacements.get(crd.metadata.name) ?? crd);
}

/** The Service in front of the controllers' conversion webhook (deploy/base/controller.yaml). */
export const webhookService = { namespace: 'capstan-system', name: 'capstan-webhook', path: '/convert', port: 443 } as const;

/**
 * What `npm run generate:crds` writes to config/crd/ and deploy/ installs: cluster.x-k8s.io stored
 * as v1beta2 and served as v1beta1 too, through the controllers' webhook behind `webhookService`.
 * No caBundle: each controller replica injects its CA when it starts, as CAPI's cert-manager does.
 */
export const capstanInstallCrds: readonly CrdManifest[] = capstanCrdsWith({ v1beta2Webhook: { service: webhookService } });

/** The CRDs whose conversion webhook needs the controllers' CA in its caBundle. */
export const conversionWebhookCrdNames: readonly string[] = capstanInstallCrds
  .filter((crd) => (crd.spec as { conversion?: { strategy?: string } }).conversion?.strategy === 'Webhook')
  .map((crd) => crd.metadata.name);
