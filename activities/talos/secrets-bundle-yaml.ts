import YAML from 'yaml';
import { ErrorType } from '../../api/errors.ts';
import { describeIssues, talosConfigFailure } from './config-errors.ts';
import { base64ToPem, normalizePrivateKeyPem, pemToBase64 } from './pem.ts';
import { SecretsBundle } from './secrets-bundle.ts';

interface EncodedPair {
  crt: string;
  key: string;
}

const encodePair = (pair: { crt: string; key: string }): EncodedPair => ({
  crt: pemToBase64(pair.crt),
  key: pemToBase64(pair.key),
});

/**
 * The bundle as `talosctl gen secrets` writes secrets.yaml (lowercase keys, base64 PEM), so a
 * stored bundle also works with `talosctl gen config --with-secrets`. This is what goes into the
 * cluster's Kubernetes Secret.
 */
export function serializeSecretsBundle(bundle: SecretsBundle): string {
  const { certs } = bundle;
  return YAML.stringify(
    {
      cluster: { id: bundle.cluster.id, secret: bundle.cluster.secret },
      secrets: {
        bootstraptoken: bundle.secrets.bootstrapToken,
        secretboxencryptionsecret: bundle.secrets.secretboxEncryptionSecret,
      },
      trustdinfo: { token: bundle.trustdInfo.token },
      certs: {
        etcd: encodePair(certs.etcd),
        k8s: encodePair(certs.k8s),
        k8saggregator: encodePair(certs.k8sAggregator),
        k8sserviceaccount: { key: pemToBase64(certs.k8sServiceAccount.key) },
        os: encodePair(certs.os),
      },
    },
    { lineWidth: 0 },
  );
}

type Tree = Record<string, unknown>;
const child = (tree: unknown, key: string): Tree =>
  typeof tree === 'object' && tree !== null ? (((tree as Tree)[key] as Tree | undefined) ?? {}) : {};

// A field that is not base64 of PEM stays as it is: the schema then names it.
function decodePem(value: unknown, isKey: boolean): unknown {
  if (typeof value !== 'string') return value;
  try {
    const pem = base64ToPem(value);
    return isKey ? normalizePrivateKeyPem(pem) : pem;
  } catch {
    return value;
  }
}

const decodePair = (tree: Tree) => ({ crt: decodePem(tree.crt, false), key: decodePem(tree.key, true) });

/**
 * Reads a secrets.yaml (ours or talosctl's, including its `ED25519 PRIVATE KEY` labels, which are
 * normalized to `PRIVATE KEY`) and validates it. A broken bundle is a non-retryable failure.
 */
export function parseSecretsBundle(text: string): SecretsBundle {
  let tree: unknown;
  try {
    tree = YAML.parse(text);
  } catch (error) {
    throw talosConfigFailure(ErrorType.InvalidSecretsBundle, 'secrets bundle is not YAML', [(error as Error).message]);
  }
  const certs = child(tree, 'certs');
  const result = SecretsBundle.safeParse({
    cluster: { id: child(tree, 'cluster').id, secret: child(tree, 'cluster').secret },
    secrets: {
      bootstrapToken: child(tree, 'secrets').bootstraptoken,
      secretboxEncryptionSecret: child(tree, 'secrets').secretboxencryptionsecret,
    },
    trustdInfo: { token: child(tree, 'trustdinfo').token },
    certs: {
      etcd: decodePair(child(certs, 'etcd')),
      k8s: decodePair(child(certs, 'k8s')),
      k8sAggregator: decodePair(child(certs, 'k8saggregator')),
      k8sServiceAccount: { key: decodePem(child(certs, 'k8sserviceaccount').key, true) },
      os: decodePair(child(certs, 'os')),
    },
  });
  if (!result.success) {
    // Our camelCase keys lowercased are exactly the file's keys, so the messages name file paths.
    const issues = result.error.issues.map((issue) => ({
      ...issue,
      path: issue.path.map((part) => (typeof part === 'string' ? part.toLowerCase() : part)),
    }));
    throw talosConfigFailure(ErrorType.InvalidSecretsBundle, 'invalid secrets bundle', describeIssues(issues));
  }
  return result.data;
}
