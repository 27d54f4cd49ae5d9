import type { ObservedMachine } from '../../api/observed-cluster.ts';

/** A Running, Ready worker of md-0 on v1.33.4 built from shape "shape-a", unless told otherwise. */
export function machine(name: string, overrides: Partial<ObservedMachine> = {}): ObservedMachine {
  return {
    name,
    role: 'worker',
    deployment: 'md-0',
    kubernetesVersion: 'v1.33.4',
    talosVersion: 'v1.11.5',
    shapeHash: 'shape-a',
    phase: 'Running',
    ready: true,
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

/** `count` machines named `<prefix>-0…`, created a day apart (the first is the oldest). */
export function machines(prefix: string, count: number, overrides: Partial<ObservedMachine> = {}): ObservedMachine[] {
  return Array.from({ length: count }, (_, i) =>
    machine(`${prefix}-${i}`, { createdAt: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`, ...overrides }),
  );
}

/** A control-plane machine (etcd member). */
export function controlPlane(name: string, overrides: Partial<ObservedMachine> = {}): ObservedMachine {
  return machine(name, { role: 'control-plane', deployment: undefined, ...overrides });
}
