// Test-only builders: a bundle generated at test time (never committed), a fixed clock, and
// redaction of secret material so golden files hold placeholders instead of keys.
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import type { MachineConfigInput } from '../../../api/talos/machine-config-input.ts';
import { generateSecretsBundle } from '../../../activities/talos/generate-secrets-bundle.ts';
import { pemToBase64 } from '../../../activities/talos/pem.ts';
import type { SecretsBundle } from '../../../activities/talos/secrets-bundle.ts';

/** Validity start of every certificate in the golden files. */
export const fixedNow = new Date('2025-06-01T00:00:00Z');

let shared: Promise<SecretsBundle> | undefined;

/** One bundle per test file; ECDSA service-account key because RSA-4096 costs seconds on 2 cores. */
export function testBundle(): Promise<SecretsBundle> {
  shared ??= generateSecretsBundle({ now: fixedNow, serviceAccountKey: 'ecdsa-p256' });
  return shared;
}

/** A control-plane input like the one a Proxmox machine with an IPAM address produces. */
export function controlPlaneInput(overrides: Partial<MachineConfigInput> = {}): MachineConfigInput {
  return {
    machineType: 'controlplane',
    clusterName: 'prod-eu1',
    controlPlaneEndpoint: 'https://10.10.0.10:6443',
    kubernetesVersion: '1.33.4',
    installerImage: 'ghcr.io/siderolabs/installer:v1.11.2',
    installDisk: '/dev/sda',
    hostname: 'prod-eu1-cp-abc12',
    network: {
      interface: 'eth0',
      addresses: ['10.10.0.21/24'],
      gateway: '10.10.0.1',
      nameservers: ['10.10.0.2', '1.1.1.1'],
      vip: '10.10.0.10',
    },
    certSANs: ['prod-eu1.example.internal'],
    ...overrides,
  };
}

/** Named secret values of a bundle as they appear in configs (base64 PEM, tokens, ids). */
export function bundleSecrets(bundle: SecretsBundle): Record<string, string> {
  const { certs } = bundle;
  return {
    'cluster.id': bundle.cluster.id,
    'cluster.secret': bundle.cluster.secret,
    bootstrapToken: bundle.secrets.bootstrapToken,
    secretboxEncryptionSecret: bundle.secrets.secretboxEncryptionSecret,
    trustdToken: bundle.trustdInfo.token,
    'os.crt': pemToBase64(certs.os.crt),
    'os.key': pemToBase64(certs.os.key),
    'k8s.crt': pemToBase64(certs.k8s.crt),
    'k8s.key': pemToBase64(certs.k8s.key),
    'k8sAggregator.crt': pemToBase64(certs.k8sAggregator.crt),
    'k8sAggregator.key': pemToBase64(certs.k8sAggregator.key),
    'k8sServiceAccount.key': pemToBase64(certs.k8sServiceAccount.key),
    'etcd.crt': pemToBase64(certs.etcd.crt),
    'etcd.key': pemToBase64(certs.etcd.key),
  };
}

/** Replaces every secret value by `<name>`, so the text can be compared with a golden file. */
export function redact(text: string, secrets: Record<string, string>): string {
  let redacted = text;
  for (const [name, value] of Object.entries(secrets).sort(([, a], [, b]) => b.length - a.length)) {
    redacted = redacted.replaceAll(value, `<${name}>`);
  }
  expect(redacted).not.toMatch(/PRIVATE KEY|LS0tLS1CRUdJTi/);
  return redacted;
}

/** Runs `fn`, expecting a non-retryable ApplicationFailure of `type`; returns it for more checks. */
export async function expectFailure(fn: () => unknown, type: string): Promise<ApplicationFailure> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ApplicationFailure);
  const failure = caught as ApplicationFailure;
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(true);
  return failure;
}
