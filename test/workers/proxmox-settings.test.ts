// The worker's Proxmox settings: optional (clusters may name their own Secret), HTTPS only, the CA
// file checked at start, verification skipped only on an explicit yes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { proxmoxSettingsFromEnv } from '../../workers/proxmox-settings.ts';
import { startTestSim } from '../sim/proxmox-helpers.ts';

const dir = makeTempDir('proxmox-settings');
afterAll(() => {
  dir.remove();
});

const base = {
  PROXMOX_URL: 'https://pve.example.lan:8006/api2/json',
  PROXMOX_TOKEN_ID: 'capstan@pve!capstan',
  PROXMOX_TOKEN_SECRET: '0b7a7f2e-1f51-4d1f-9a53-1d3c2f0e9b11',
};

describe('proxmoxSettingsFromEnv', () => {
  it('are optional: a worker without PROXMOX_* serves only clusters with a credentials Secret', () => {
    expect(proxmoxSettingsFromEnv({})).toBeUndefined();
  });

  it('name what is missing when only some are set', () => {
    expect(() => proxmoxSettingsFromEnv({ PROXMOX_URL: base.PROXMOX_URL })).toThrow(
      'Proxmox settings missing: PROXMOX_TOKEN_ID (USER@REALM!TOKENID), PROXMOX_TOKEN_SECRET or PROXMOX_TOKEN_SECRET_FILE',
    );
  });

  it('say where a refused token came from', () => {
    expect(proxmoxSettingsFromEnv(base)?.tokenSource).toBe("the worker's PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET");
  });

  it('verifies the certificate unless told otherwise', () => {
    const settings = proxmoxSettingsFromEnv(base);
    expect(settings?.insecureSkipTlsVerify).toBeUndefined();
    expect(settings?.caPem).toBeUndefined();
  });

  it.each(['true', '1', 'TRUE'])('skips verification on PROXMOX_INSECURE_SKIP_TLS_VERIFY=%s', (value) => {
    expect(proxmoxSettingsFromEnv({ ...base, PROXMOX_INSECURE_SKIP_TLS_VERIFY: value })?.insecureSkipTlsVerify).toBe(true);
  });

  it.each(['false', '0', ''])('verifies on PROXMOX_INSECURE_SKIP_TLS_VERIFY=%s', (value) => {
    expect(proxmoxSettingsFromEnv({ ...base, PROXMOX_INSECURE_SKIP_TLS_VERIFY: value })?.insecureSkipTlsVerify).toBeUndefined();
  });

  it('refuses an unclear PROXMOX_INSECURE_SKIP_TLS_VERIFY rather than guess', () => {
    expect(() => proxmoxSettingsFromEnv({ ...base, PROXMOX_INSECURE_SKIP_TLS_VERIFY: 'yes please' })).toThrow(
      'PROXMOX_INSECURE_SKIP_TLS_VERIFY=yes please is neither true nor false',
    );
  });

  it('refuses a plain-HTTP URL, which would send the token in the clear', () => {
    expect(() => proxmoxSettingsFromEnv({ ...base, PROXMOX_URL: 'http://pve.example.lan:8006/api2/json' })).toThrow(
      'PROXMOX_URL=http://pve.example.lan:8006/api2/json must start with https://',
    );
  });

  it('reads the CA file, and names it when it is missing or not a certificate', async () => {
    const sim = await startTestSim();
    try {
      const caFile = join(dir.path, 'pve-root-ca.pem');
      writeFileSync(caFile, sim.caPem);
      expect(proxmoxSettingsFromEnv({ ...base, PROXMOX_CA_FILE: caFile })?.caPem).toBe(sim.caPem);
    } finally {
      await sim.stop();
    }
    const missing = join(dir.path, 'nope.pem');
    expect(() => proxmoxSettingsFromEnv({ ...base, PROXMOX_CA_FILE: missing })).toThrow(`PROXMOX_CA_FILE=${missing} cannot be read`);
    const junk = join(dir.path, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    expect(() => proxmoxSettingsFromEnv({ ...base, PROXMOX_CA_FILE: junk })).toThrow(`PROXMOX_CA_FILE=${junk} holds no PEM certificate`);
  });
});
