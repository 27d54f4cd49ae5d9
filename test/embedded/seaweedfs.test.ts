// The S3-compatible server the snapshot store tests write to: it starts with nothing in it but
// its one identity, refuses anyone else, and stop() leaves no process, folder or socket behind.
import { existsSync, readdirSync } from 'node:fs';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { groupAlive } from '../../embedded/servers/managed-process.ts';
import { startSeaweedfs } from '../../embedded/servers/seaweedfs.ts';

describe('SeaweedFS as a test S3 server', () => {
  it('serves plain HTTP when asked, holds no bucket until one is made, and leaves nothing after stop()', async () => {
    const sockets = (): string[] => readdirSync('/tmp').filter((name) => name.startsWith('seaweedfs-') && name.endsWith('.sock'));
    const before = new Set(sockets());
    const seaweedfs = await startSeaweedfs({ tls: false });
    // SeaweedFS's own, at paths it fixes under /tmp (other servers' may come and go meanwhile).
    const its = sockets().filter((name) => !before.has(name));
    expect(its.length).toBeGreaterThan(0);
    try {
      expect(seaweedfs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(seaweedfs.caPem).toBeUndefined();
      const client = seaweedfs.client();
      expect((await client.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      await client.send(new CreateBucketCommand({ Bucket: 'made-by-the-test' }));
      expect((await client.send(new ListBucketsCommand({}))).Buckets?.map((bucket) => bucket.Name)).toEqual(['made-by-the-test']);
      client.destroy();

      const stranger = new S3Client({
        endpoint: seaweedfs.endpoint,
        region: seaweedfs.region,
        forcePathStyle: true,
        credentials: { accessKeyId: 'SOMEONEELSE00000', secretAccessKey: 'not-the-secret' },
      });
      await expect(stranger.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
      stranger.destroy();
    } finally {
      await seaweedfs.stop();
    }
    expect(groupAlive(seaweedfs.process.pid)).toBe(false);
    expect(existsSync(seaweedfs.dataDir)).toBe(false);
    expect(sockets().filter((name) => its.includes(name))).toEqual([]);
  });
});
