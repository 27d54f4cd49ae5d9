import type { ProxmoxCredentialsRef } from './proxmox-credentials.ts';
import type { MachineConfigInput } from './talos/machine-config-input.ts';

/**
 * One group of machines (the control plane, or one MachineDeployment) as a preflight checks it:
 * the VM it would clone and the config a machine of it would get, with the objects to name when
 * either cannot work.
 */
export interface PreflightGroup {
  /** `ProxmoxMachineTemplate default/demo-cp`: where the VM's shape was written. */
  readonly templateObject: string;
  /** `TalosControlPlane default/demo` or `TalosConfigTemplate default/demo-md-0`: where its patches were written. */
  readonly configObject: string;
  /** The field under which the config object keeps its patches (`spec.controlPlaneConfig.controlplane`). */
  readonly patchesPath: string;
  readonly vm: {
    readonly templateVmid: number;
    readonly cores: number;
    readonly sockets: number;
    readonly memoryMiB: number;
  };
  /** A sample machine's full config input: patches are checked against the config they would change. */
  readonly config: MachineConfigInput;
  /** Whether the operation may clone VMs of this group: only then must its template, nodes and size fit. */
  readonly clones: boolean;
}

/** What a preflight checks before an operation builds anything. */
export interface PreflightInput {
  /** `ProxmoxCluster default/demo`. */
  readonly proxmoxObject: string;
  /** The ProxmoxCluster's credentials Secret (none: the worker's own Proxmox). */
  readonly credentials?: ProxmoxCredentialsRef;
  readonly allowedNodes: readonly string[];
  readonly groups: readonly PreflightGroup[];
}

/** One reason the operation would fail once machines are being built, named as the user wrote it. */
export interface PreflightProblem {
  readonly object: string;
  readonly field: string;
  readonly message: string;
}

/** `ProxmoxMachineTemplate default/demo-cp spec.template.spec.memoryMiB: … ` */
export function describePreflightProblem(problem: PreflightProblem): string {
  return `${problem.object} ${problem.field}: ${problem.message}`;
}
