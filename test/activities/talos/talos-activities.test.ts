// Wiring of the Talos activities without a Talos node: secrets come by reference from the
// store, unreachable nodes fail retryably, malformed inputs fail for good. The round trips
// against simulated nodes live with sim/talos.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorType } from '../../../api/errors.ts';
import { createTalosActivities } from '../../../activities/talos/talos-activities.ts';
import { MemorySecretStore } from '../../fixtures/memory-secret-store.ts';
import { generateTalosconfig } from '../../../activities/talos/talosconfig.ts';
import { fixedNow, testBundle } from './talos-fixtures.ts';
import { machineConfigSecret, talosconfigSecret } from '../../../api/cluster-secrets.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';

const cluster: ClusterRef = { namespace: 'default', name: 'alpha' };
const unreachable = '127.0.0.1:1';
const secrets = new MemorySecretStore();
const talos = createTalosActivities({ secrets, pollMs: 50 });

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<unknown> {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(fn, ...args).catch((error: unknown) => error);
}

beforeAll(async () => {
  const talosconfig = await generateTalosconfig(await testBundle(), { contextName: 'alpha', endpoints: [unreachable], now: fixedNow });
  await secrets.write(talosconfigSecret(cluster), talosconfig);
  await secrets.write(machineConfigSecret('default', 'alpha-cp-1'), 'version: v1alpha1\n');
});

describe('Talos activities without a node', () => {
  it('reports a node that answers neither mTLS nor maintenance mode as retryable, naming both', async () => {
    const error = await run(talos.talosApplyConfig, { cluster, machine: 'alpha-cp-1', address: unreachable });
    expect(error).toMatchObject({ type: ErrorType.TalosUnavailable, nonRetryable: false });
    expect((error as Error).message).toMatch(/answers neither mTLS with the cluster's CA \(.*UNAVAILABLE.*\) nor maintenance mode/);
  });

  it('needs the machine config and talosconfig Secrets, and says which is missing', async () => {
    const missingConfig = await run(talos.talosApplyConfig, { cluster, machine: 'alpha-cp-9', address: unreachable });
    expect(missingConfig).toMatchObject({
      type: ErrorType.SecretNotFound,
      nonRetryable: true,
      message: 'Secret default/alpha-cp-9-bootstrap-data does not exist',
    });
    const missingTalosconfig = await run(talos.talosVersion, { cluster: { namespace: 'default', name: 'beta' }, address: unreachable });
    expect(missingTalosconfig).toMatchObject({ type: ErrorType.SecretNotFound, message: 'Secret default/beta-talosconfig does not exist' });
  });

  it('refuses a malformed talosconfig for good', async () => {
    const gamma = { namespace: 'default', name: 'gamma' };
    await secrets.write(talosconfigSecret(gamma), 'context: gamma\ncontexts: {}\n');
    expect(await run(talos.talosVersion, { cluster: gamma, address: unreachable })).toMatchObject({
      type: ErrorType.InvalidTalosconfig,
      nonRetryable: true,
    });
  });

  it('stops waiting for apid at its timeout, retryably', async () => {
    const error = await run(talos.talosWaitForApid, { cluster, address: unreachable, timeoutSeconds: 0.2 });
    expect(error).toMatchObject({ type: ErrorType.TalosUnavailable, nonRetryable: false });
    expect((error as Error).message).toMatch(/did not answer mTLS within 0\.2s/);
  });

  it('bootstraps nothing without control-plane addresses, and retries when the chosen node is down', async () => {
    expect(await run(talos.talosBootstrap, { cluster, controlPlaneAddresses: [] })).toMatchObject({
      type: ErrorType.TalosInvalidConfig,
      nonRetryable: true,
    });
    expect(await run(talos.talosBootstrap, { cluster, controlPlaneAddresses: [unreachable] })).toMatchObject({
      type: ErrorType.TalosUnavailable,
      nonRetryable: false,
    });
  });
});
