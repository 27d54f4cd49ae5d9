// Power-state hooks for the Talos simulator: it brings a node's endpoint up when its VM
// starts, tears it down when the VM stops or is destroyed, and follows a VM that migrates (a
// guest keeps running through an online migration; Talos' power-off requests must go to its new node).
import type { SimVmInfo } from './vm-info.ts';

/** The hook events a VM emits. */
export const VmHookEvent = { started: 'vm-started', stopped: 'vm-stopped', destroyed: 'vm-destroyed', migrated: 'vm-migrated' } as const;
/** One of {@link VmHookEvent}. */
export type VmHookEvent = (typeof VmHookEvent)[keyof typeof VmHookEvent];

/** A hook callback. */
export type VmHook = (vm: SimVmInfo) => void;

/** Hook registry. */
export interface VmHooks {
  on(event: VmHookEvent, hook: VmHook): () => void;
  emit(event: VmHookEvent, vm: SimVmInfo): void;
}

/** A fresh registry. */
export function createVmHooks(): VmHooks {
  const hooks = new Map<VmHookEvent, Set<VmHook>>();
  return {
    on: (event, hook) => {
      const set = hooks.get(event) ?? new Set<VmHook>();
      hooks.set(event, set);
      set.add(hook);
      return () => set.delete(hook);
    },
    emit: (event, vm) => {
      for (const hook of hooks.get(event) ?? []) {
        try {
          hook(vm);
        } catch (error) {
          process.emitWarning(`proxmox sim: ${event} hook failed: ${String(error)}`);
        }
      }
    },
  };
}
