// What a snapshot store Secret (SnapshotStoreSecretKey) must hold, checked before any request is
// made, so a mistake in it is reported by key rather than as an object store's refusal.
import { z } from 'zod';
import { SnapshotStoreSecretKey } from './etcd-snapshots.ts';

// S3's rules for bucket names (3–63 lower-case letters, digits, dots and hyphens).
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The decoded keys of a snapshot store Secret, named as SnapshotStoreSecretKey's fields. */
export const SnapshotStoreSettings = z
  .object({
    bucket: z.string().regex(bucketName, 'is not an S3 bucket name (3–63 lower-case letters, digits, dots and hyphens)'),
    // Slashes at either end are dropped: `backups/` and `backups` name the same folder.
    prefix: z
      .string()
      .default('')
      .transform((prefix) => prefix.replace(/^\/+|\/+$/g, '')),
    region: z.string().min(1).default('us-east-1'),
    endpoint: z.url({ protocol: /^https?$/, error: 'is not an http:// or https:// URL' }).optional(),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    serverSideEncryption: z.enum(['AES256', 'aws:kms'], { error: 'is neither AES256 nor aws:kms' }).optional(),
    kmsKeyId: z.string().min(1).optional(),
    caBundle: z.string().includes('-----BEGIN CERTIFICATE-----', { error: 'is not a PEM certificate' }).optional(),
  })
  .superRefine((settings, context) => {
    if ((settings.accessKeyId === undefined) !== (settings.secretAccessKey === undefined))
      context.addIssue({
        code: 'custom',
        path: [settings.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey'],
        message: `is missing: set both "${SnapshotStoreSecretKey.accessKeyId}" and "${SnapshotStoreSecretKey.secretAccessKey}", or neither to use the worker's own AWS credentials`,
      });
    if (settings.kmsKeyId !== undefined && settings.serverSideEncryption !== 'aws:kms')
      context.addIssue({
        code: 'custom',
        path: ['kmsKeyId'],
        message: `needs "${SnapshotStoreSecretKey.serverSideEncryption}" set to aws:kms`,
      });
    if (settings.caBundle !== undefined && settings.endpoint?.startsWith('https://') !== true)
      context.addIssue({
        code: 'custom',
        path: ['caBundle'],
        message: `is only used with an https:// "${SnapshotStoreSecretKey.endpoint}"`,
      });
  });
export type SnapshotStoreSettings = z.infer<typeof SnapshotStoreSettings>;

type SettingsField = keyof typeof SnapshotStoreSecretKey;
const fields = Object.keys(SnapshotStoreSecretKey) as SettingsField[];

/**
 * The settings a Secret's decoded `data` holds, or one sentence per problem naming the Secret's
 * key (never its value, which may be a credential). Empty values count as absent.
 */
export function parseSnapshotStoreSettings(
  data: Readonly<Record<string, string>>,
): { readonly settings: SnapshotStoreSettings } | { readonly problems: readonly string[] } {
  const input = Object.fromEntries(
    fields.flatMap((field) => {
      const value = data[SnapshotStoreSecretKey[field]]?.trim();
      return value === undefined || value === '' ? [] : [[field, value]];
    }),
  );
  const parsed = SnapshotStoreSettings.safeParse(input);
  if (parsed.success) return { settings: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => {
      const field = issue.path[0];
      const key = typeof field === 'string' && field in SnapshotStoreSecretKey ? SnapshotStoreSecretKey[field as SettingsField] : '?';
      const message = input[field as string] === undefined && issue.code === 'invalid_type' ? 'is missing' : issue.message;
      return `key "${key}" ${message}`;
    }),
  };
}
