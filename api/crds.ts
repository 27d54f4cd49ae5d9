import { capiCrds } from './capi/crds.ts';
import { machineHealthCheckCrd } from './capi/machine-health-check.ts';
import { machineSetCrd } from './capi/machine-set.ts';
import { proxmoxMachineCrd } from './capi/proxmox-machine.ts';
import type { CrdManifest } from './crd/define-crd.ts';
import { ipamCrds } from './ipam.ts';

/** The inventory kinds Capstan writes per machine: MachineSets and ProxmoxMachines (Machines are in capiCrds). */
export const inventoryCrds: readonly CrdManifest[] = [machineSetCrd, proxmoxMachineCrd];

/** Every CRD a management cluster needs for Capstan: what `npm run generate:crds` writes to config/crd/. */
export const capstanCrds: readonly CrdManifest[] = [...capiCrds, machineHealthCheckCrd, ...inventoryCrds, ...ipamCrds];
