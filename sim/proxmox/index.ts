// The Proxmox VE simulator: a faithful /api2/json server for tests and the embedded default.
export { startProxmoxSim } from './sim.ts';
export type { ProxmoxSim } from './sim.ts';
export type { ProxmoxSimOptions, SimTemplateOptions } from './options.ts';
export { defaultTiming } from './timing.ts';
export type { SimTiming } from './timing.ts';
export type { FiveXxOptions, ProxmoxFaults, TaskFailureSpec } from './core/faults.ts';
export { SimEventType } from './core/event-log.ts';
export type { ProxmoxEventLog, SimEvent } from './core/event-log.ts';
export type { SimVmInfo } from './core/vm-info.ts';
export { VmHookEvent } from './core/vm-hooks.ts';
export { TaskType } from './core/task-type.ts';
