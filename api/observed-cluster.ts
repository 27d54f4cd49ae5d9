import { z } from 'zod';
import { StaticAddress, VmRef } from './proxmox.ts';
import { Version } from './versions.ts';

/** A machine's place in the cluster. */
export const MachineRole = z.enum(['control-plane', 'worker']);
export type MachineRole = z.infer<typeof MachineRole>;

/** Where a machine is in its life (for humans and plans; never a decision by itself). */
export const ObservedMachinePhase = z.enum(['Provisioning', 'Running', 'Deleting', 'Failed']);
export type ObservedMachinePhase = z.infer<typeof ObservedMachinePhase>;

/** What Capstan knows of one machine, kept by the cluster workflow as plain JSON. */
export const ObservedMachine = z.object({
  name: z.string(),
  role: MachineRole,
  /** The MachineDeployment of a worker. */
  deployment: z.string().optional(),
  kubernetesVersion: Version,
  talosVersion: Version,
  /** Hash of the machine shape it was built from: a template change makes it outdated. */
  shapeHash: z.string(),
  phase: ObservedMachinePhase,
  /** The Kubernetes Node is Ready (and, for control planes, its etcd member healthy). */
  ready: z.boolean(),
  /** ISO timestamp of creation, for the Newest/Oldest delete policies. */
  createdAt: z.string(),
  vm: VmRef.optional(),
  address: z.string().optional(),
  /** The address with its prefix, gateway and DNS, to render the machine's config again. */
  staticAddress: StaticAddress.optional(),
});
export type ObservedMachine = z.infer<typeof ObservedMachine>;

/** What Capstan knows of a cluster as a whole. */
export const ObservedCluster = z.object({
  machines: z.array(ObservedMachine),
  /** etcd was bootstrapped (exactly once, ever). */
  bootstrapped: z.boolean(),
  controlPlaneEndpoint: z.string().optional(),
});
export type ObservedCluster = z.infer<typeof ObservedCluster>;
