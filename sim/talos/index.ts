// The Talos simulator: gRPC machine API nodes on the Proxmox simulator's VMs, simulated etcd,
// and a real kube-apiserver per bootstrapped cluster.
export { startTalosSim } from './sim.ts';
export type { TalosSim } from './sim.ts';
export type {
  KubeApiserverStarter,
  KubeApiserverStartRequest,
  OwnClusterEtcd,
  SimClusterEtcd,
  StartedKubeApiserver,
  TalosSimOptions,
} from './options.ts';
export { defaultTalosTiming } from './timing.ts';
export type { TalosSimTiming } from './timing.ts';
export type { FaultTarget, TalosFaults } from './core/faults.ts';
export { TalosEventType } from './core/event-log.ts';
export type { TalosEventLog, TalosSimEvent } from './core/event-log.ts';
export type { NodeStage } from './core/state.ts';
export type { SimEtcdCluster, SimEtcdMember, SimSharedIp, SimTalosCluster, SimTalosNode } from './views.ts';
export type { WorkloadOptions } from './k8s/workloads.ts';
export { protoDir } from './grpc/proto.ts';
export { startTalosControlServer } from './control-server.ts';
export type { TalosControlServer } from './control-server.ts';
