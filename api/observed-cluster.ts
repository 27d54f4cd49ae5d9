import { z } from 'zod';
import { StaticAddress, VmRef } from './proxmox.ts';
import { Version } from './versions.ts';

/** A machine's place in the cluster. */
export const MachineRole = z.enum(['control-plane', 'worker']);
export type MachineRole = z.infer<typeof MachineRole>;

/** Where a machine is in its life (for humans and plans; never a decision by itself). */
export const ObservedMachinePhase = z.enum(['Provisioning', 'Running', 'Deleting', 'Failed']);
export type ObservedMachinePhase = z.infer<typeof ObservedMachinePhase>;

/** One machine as the planners see it: derived from an observation (plan/observed-cluster.ts), plain JSON. */
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
  /** `proxmox://<smbios uuid>`: set once its VM was cloned, so a VM missing later was deleted. */
  providerID: z.string().optional(),
  /** A control plane's place in etcd as observed: a member or not; absent when etcd could not be asked. */
  etcdMember: z.boolean().optional(),
});
export type ObservedMachine = z.infer<typeof ObservedMachine>;

/** The cluster as the planners see it, derived from one observation. */
export const ObservedCluster = z.object({
  machines: z.array(ObservedMachine),
  /** etcd was bootstrapped (exactly once, ever). */
  bootstrapped: z.boolean(),
  controlPlaneEndpoint: z.string().optional(),
});
export type ObservedCluster = z.infer<typeof ObservedCluster>;
