// A snapshot store Secret's keys are checked before any request: each mistake is named by its key,
// with what to set, and no value (which may be a credential) is ever repeated.
import { describe, expect, it } from 'vitest';
import { parseSnapshotStoreSettings } from '../../api/snapshot-store-settings.ts';

const good = {
  bucket: 'etcd-snapshots',
  endpoint: 'https://s3.example.lan:9000',
  accessKeyID: 'AKIAEXAMPLE',
  secretAccessKey: 'very-secret-value',
};

describe('a snapshot store Secret', () => {
  it('needs only a bucket; the region defaults to us-east-1 and the prefix to none', () => {
    expect(parseSnapshotStoreSettings({ bucket: 'backups' })).toEqual({ settings: { bucket: 'backups', prefix: '', region: 'us-east-1' } });
  });

  it('takes every key, trimmed, with slashes around the prefix dropped and empty keys as absent', () => {
    expect(
      parseSnapshotStoreSettings({
        ...good,
        prefix: '/clusters/prod/ ',
        region: 'eu-central-1',
        serverSideEncryption: 'aws:kms',
        sseKMSKeyID: 'arn:aws:kms:eu-central-1:111122223333:key/1234',
        'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        unrelated: 'ignored',
      }),
    ).toEqual({
      settings: {
        bucket: 'etcd-snapshots',
        prefix: 'clusters/prod',
        region: 'eu-central-1',
        endpoint: 'https://s3.example.lan:9000',
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: 'very-secret-value',
        serverSideEncryption: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:key/1234',
        caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      },
    });
    expect(parseSnapshotStoreSettings({ bucket: 'backups', region: '', prefix: '' })).toEqual({
      settings: { bucket: 'backups', prefix: '', region: 'us-east-1' },
    });
  });

  it.each([
    [{}, 'key "bucket" is missing'],
    [{ bucket: 'Upper_Case' }, 'key "bucket" is not an S3 bucket name'],
    [{ bucket: 'b', endpoint: 'ftp://files.example' }, 'key "endpoint" is not an http:// or https:// URL'],
    [{ bucket: 'backups', endpoint: 's3.example.lan' }, 'key "endpoint" is not an http:// or https:// URL'],
    [{ bucket: 'backups', serverSideEncryption: 'aes256' }, 'key "serverSideEncryption" is neither AES256 nor aws:kms'],
    [{ bucket: 'backups', sseKMSKeyID: 'key-1' }, 'key "sseKMSKeyID" needs "serverSideEncryption" set to aws:kms'],
    [{ bucket: 'backups', accessKeyID: 'AKIAEXAMPLE' }, 'key "secretAccessKey" is missing: set both "accessKeyID" and "secretAccessKey"'],
    [{ bucket: 'backups', secretAccessKey: 'very-secret-value' }, 'key "accessKeyID" is missing'],
    [{ ...good, 'ca.crt': 'not a certificate' }, 'key "ca.crt" is not a PEM certificate'],
    [{ bucket: 'backups', 'ca.crt': '-----BEGIN CERTIFICATE-----' }, 'key "ca.crt" is only used with an https:// "endpoint"'],
  ])('%j is refused: %s', (data, problem) => {
    const parsed = parseSnapshotStoreSettings(data);
    expect('problems' in parsed ? parsed.problems.join('; ') : 'accepted').toContain(problem);
    expect(JSON.stringify(parsed)).not.toContain('very-secret-value');
  });

  it('reports every bad key at once', () => {
    const parsed = parseSnapshotStoreSettings({ serverSideEncryption: 'none', endpoint: 'nowhere' });
    expect('problems' in parsed && parsed.problems).toEqual([
      'key "bucket" is missing',
      'key "endpoint" is not an http:// or https:// URL',
      'key "serverSideEncryption" is neither AES256 nor aws:kms',
    ]);
  });
});
