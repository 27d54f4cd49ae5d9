import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalSettingsFromEnv } from '../../runtime/temporal-connection.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';

const dir = makeTempDir('tls');
afterAll(() => {
  dir.remove();
});

describe('temporalSettingsFromEnv', () => {
  it('defaults to a local dev server without TLS', () => {
    expect(temporalSettingsFromEnv({})).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
  });

  it('reads mTLS files and the server name', () => {
    const cert = join(dir.path, 'client.pem');
    const key = join(dir.path, 'client.key');
    writeFileSync(cert, 'CERT');
    writeFileSync(key, 'KEY');
    const settings = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: 'temporal.example.internal:7233',
      TEMPORAL_NAMESPACE: 'capstan',
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
    expect(settings.address).toBe('temporal.example.internal:7233');
    expect(settings.namespace).toBe('capstan');
    expect(settings.tls?.serverNameOverride).toBe('temporal');
    expect(settings.tls?.clientCertPair?.crt.toString()).toBe('CERT');
    expect(settings.tls?.clientCertPair?.key.toString()).toBe('KEY');
  });

  it('turns on TLS for an API key', () => {
    expect(temporalSettingsFromEnv({ TEMPORAL_API_KEY: 'k' })).toMatchObject({ apiKey: 'k', tls: {} });
  });

  it('refuses a certificate without its key', () => {
    expect(() => temporalSettingsFromEnv({ TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together',
    );
  });

  it('names the variable whose file cannot be read', () => {
    expect(() => temporalSettingsFromEnv({ TEMPORAL_TLS_CA: join(dir.path, 'missing.pem') })).toThrow(
      /^TEMPORAL_TLS_CA=.*missing\.pem cannot be read: ENOENT/,
    );
  });
});
