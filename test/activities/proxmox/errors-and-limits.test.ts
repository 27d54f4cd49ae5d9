import { describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { classifyProxmoxError, classifyTaskFailure } from '../../../activities/proxmox/classify-error.ts';
import { CloneLimiter } from '../../../activities/proxmox/clone-limiter.ts';
import { ProxmoxApiError, ProxmoxNetworkError } from '../../../activities/proxmox/proxmox-api-error.ts';

describe('classifyProxmoxError', () => {
  it.each([
    [new ProxmoxNetworkError('GET', '/version', new Error('ECONNREFUSED')), ErrorType.ProxmoxUnavailable, false],
    [new ProxmoxApiError('GET', '/version', 401, 'Authentication failed!'), ErrorType.ProxmoxPermissionDenied, true],
    [new ProxmoxApiError('POST', '/x', 403, 'Permission check failed (/vms/100, VM.Clone)'), ErrorType.ProxmoxPermissionDenied, true],
    [
      new ProxmoxApiError('POST', '/x', 400, 'Parameter verification failed.', { cores: 'type check failed' }),
      ErrorType.ProxmoxInvalidRequest,
      true,
    ],
    [new ProxmoxApiError('POST', '/x', 500, 'VM is locked (backup)'), ErrorType.ProxmoxLocked, false],
    [
      new ProxmoxApiError('POST', '/x', 500, "can't clone VM to node 'pve2' (VM uses local storage)"),
      ErrorType.ProxmoxInvalidRequest,
      true,
    ],
    [new ProxmoxApiError('GET', '/x', 503, 'Service Unavailable'), ErrorType.ProxmoxUnavailable, false],
  ])('%s → %s (non-retryable: %s)', (error, type, nonRetryable) => {
    const failure = classifyProxmoxError(error);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(nonRetryable);
  });

  it('names the parameter a 400 rejected', () => {
    const error = new ProxmoxApiError('POST', '/nodes/pve1/qemu/100/config', 400, 'Parameter verification failed.', {
      bogus: 'property is not defined in schema and the schema does not allow additional properties',
    });
    expect(classifyProxmoxError(error).message).toContain('bogus: property is not defined in schema');
  });

  it('sorts task failures by their text', () => {
    expect(classifyTaskFailure('clone', "can't lock file '/var/lock/pve-manager/pve-storage-ceph' - got timeout").type).toBe(
      ErrorType.ProxmoxLocked,
    );
    expect(classifyTaskFailure('resize', 'shrinking disks is not supported').nonRetryable).toBe(true);
    expect(classifyTaskFailure('clone', 'storage ceph is full: no space left').type).toBe(ErrorType.ProxmoxStorageFull);
  });
});

describe('CloneLimiter', () => {
  it('runs at most N clones per storage and lets other storages proceed', async () => {
    const limiter = new CloneLimiter(2);
    let peak = 0;
    const releases: Array<() => void> = [];
    const clone = (storage: string) =>
      limiter.run(storage, 'vm', async () => {
        peak = Math.max(peak, limiter.active('ceph'));
        await new Promise<void>((resolve) => releases.push(resolve));
      });
    const done = [clone('ceph'), clone('ceph'), clone('ceph'), clone('local')];
    await Promise.resolve();
    expect(limiter.active('ceph')).toBe(2);
    expect(limiter.active('local')).toBe(1);
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(done);
    expect(peak).toBe(2);
    expect(limiter.active('ceph')).toBe(0);
  });

  it('gives the next free slot to a clone asked for first (a control plane), ahead of earlier waiters', async () => {
    const limiter = new CloneLimiter(1);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const holding = limiter.run('ceph', 'vm', () => new Promise<void>((resolve) => (release = resolve)));
    const clone = (name: string, first = false) => limiter.run('ceph', name, () => Promise.resolve(order.push(name)), { first });
    const done = [clone('worker 1'), clone('worker 2'), clone('control plane 2', true), clone('control plane 3', true)];
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([holding, ...done]);
    expect(order).toEqual(['control plane 2', 'control plane 3', 'worker 1', 'worker 2']);
  });
});
