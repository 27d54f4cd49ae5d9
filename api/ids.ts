/** Temporal limits workflow ids to 255 bytes; ours stay readable and far below. */
const maxIdLength = 255;

function checked(id: string): string {
  if (id.length > maxIdLength) throw new Error(`workflow id longer than ${maxIdLength} characters: ${id.slice(0, 60)}…`);
  return id;
}

/** The long-lived workflow of one cluster: `cluster/<namespace>/<name>`. */
export function clusterWorkflowId(namespace: string, name: string): string {
  return checked(`cluster/${namespace}/${name}`);
}

/** One operation of a cluster, e.g. `cluster/default/alpha/provision/3`. */
export function operationWorkflowId(namespace: string, name: string, operation: string, generation: number): string {
  return checked(`${clusterWorkflowId(namespace, name)}/${operation}/${generation}`);
}

/** An upgrade, named by its versions: `cluster/<ns>/<name>/upgrade/v1.33.4-v1.36.1/<generation>`. */
export function upgradeWorkflowId(namespace: string, name: string, from: string, to: string, generation: number): string {
  return operationWorkflowId(namespace, name, `upgrade/${from}-${to}`, generation);
}

/** A MachineDeployment rollout: `cluster/<ns>/<name>/rollout/<deployment>/<generation>`. */
export function rolloutWorkflowId(namespace: string, name: string, deployment: string, generation: number): string {
  return operationWorkflowId(namespace, name, `rollout/${deployment}`, generation);
}

/** One machine's create or delete run: `cluster/<ns>/<name>/machine/<machine>/<action>`. */
export function machineWorkflowId(namespace: string, name: string, machine: string, action: 'create' | 'delete' | 'upgrade'): string {
  return checked(`${clusterWorkflowId(namespace, name)}/machine/${machine}/${action}`);
}

/** The value of the CapstanCluster search attribute: `<namespace>/<name>`. */
export function clusterKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
