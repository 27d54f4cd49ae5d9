// The workflow bundle's entry: re-exports workflow functions only.
export { createMachineWorkflow } from './create-machine-workflow.ts';
export { deleteMachineWorkflow } from './delete-machine-workflow.ts';
export { provisionWorkflow } from './provision-workflow.ts';
export { deleteClusterWorkflow } from './delete-cluster-workflow.ts';
export { clusterWorkflow } from './cluster-workflow.ts';
export { upgradeWorkflow } from './upgrade-workflow.ts';
export { controlPlaneWorkflow } from './control-plane-workflow.ts';
export { machineDeploymentWorkflow } from './machine-deployment-workflow.ts';
export { repairWorkflow } from './repair-workflow.ts';
export { cloneSlotsWorkflow } from './clone-slots-workflow.ts';
export { etcdRestoreWorkflow } from './etcd-restore-workflow.ts';
