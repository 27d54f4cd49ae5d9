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

/**
 * One operation of a cluster, numbered by the cluster workflow's operation count so a repeated
 * kind gets a new id: `cluster/default/alpha/provision/1`, `cluster/default/alpha/upgrade/2`.
 */
export function operationWorkflowId(namespace: string, name: string, operation: string, operationNumber: number): string {
  return checked(`${clusterWorkflowId(namespace, name)}/${operation}/${operationNumber}`);
}

/** One machine's create or delete run: `cluster/<ns>/<name>/machine/<machine>/<action>`. */
export function machineWorkflowId(namespace: string, name: string, machine: string, action: 'create' | 'delete' | 'upgrade'): string {
  return checked(`${clusterWorkflowId(namespace, name)}/machine/${machine}/${action}`);
}

/**
 * The clone-slot semaphore of one storage of one Proxmox cluster, shared by every worker:
 * `capstan-clone-slots/<host:port>/<storage>`.
 */
export function cloneSlotsWorkflowId(proxmoxHost: string, storage: string): string {
  return checked(`capstan-clone-slots/${proxmoxHost}/${storage}`);
}
