// GET …/config: pending values applied unless `current=1`, typed per schema (memory stays a
// string since PVE 8.1, counts are numbers), passwords masked, plus the digest.
import type { SimContext } from '../core/context.ts';
import { effectiveLock } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import type { JsonObject } from '../http/json-value.ts';
import { typedValue } from './config-keys.ts';
import { configDigest } from './digest.ts';

/** The config with pending changes applied. */
export function configWithPending(vm: VmState): Record<string, string> {
  const merged: Record<string, string> = { ...vm.config, ...vm.pending };
  for (const entry of vm.pendingDelete) Reflect.deleteProperty(merged, entry.replace(/^!/, ''));
  return merged;
}

/** The GET …/config answer. */
export function configView(ctx: SimContext, vm: VmState, current: boolean): JsonObject {
  const values = current ? { ...vm.config } : configWithPending(vm);
  const lock = effectiveLock(ctx, vm);
  if (lock !== undefined) values['lock'] = lock;
  const view: JsonObject = {};
  for (const [key, value] of Object.entries(values)) view[key] = key === 'cipassword' ? '**********' : typedValue(key, value);
  view['digest'] = configDigest(vm);
  return view;
}
