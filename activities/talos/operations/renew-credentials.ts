// The renewal check of a cluster's admin credentials. It trusts nothing the workflow remembers: it
// reads each certificate's dates from its Secret, renews what is due, and reports dates and
// fingerprints only. Running it twice renews nothing the second time.
import { ApplicationFailure } from '@temporalio/common';
import { parse as parseYaml } from 'yaml';
import type { AuthorityFacts, ClientCertificateFacts, CredentialsReport } from '../../../api/credentials.ts';
import { ErrorType } from '../../../api/errors.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import {
  clusterSecretLabels,
  clusterSecretType,
  kubeconfigSecret,
  secretsBundleSecret,
  talosconfigSecret,
} from '../../../api/cluster-secrets.ts';
import type { SecretKeyRef } from '../../../api/cluster-secrets.ts';
import { authorityExpiringSoon, nextCheckAt, renewalDue, type Validity } from '../../../plan/credential-renewal.ts';
import { failure } from '../../failure.ts';
import type { SecretStore } from '../../kubernetes/secret-store.ts';
import { certificateDates } from '../certificate-validity.ts';
import { parseTalosconfig } from '../machine-api/talosconfig-credentials.ts';
import { base64ToPem } from '../pem.ts';
import { parseSecretsBundle } from '../secrets-bundle-yaml.ts';
import { generateTalosconfig } from '../talosconfig.ts';
import { downloadKubeconfig } from './fetch-kubeconfig.ts';
import { heartbeat, type TalosActivityDeps } from './talos-session.ts';

async function readIfPresent(secrets: SecretStore, ref: SecretKeyRef): Promise<string | undefined> {
  try {
    return await secrets.read(ref);
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === ErrorType.SecretNotFound) return undefined;
    throw error;
  }
}

// The client certificate of the kubeconfig's current user.
function kubeconfigClientCertificate(text: string): string {
  const config = parseYaml(text) as {
    'current-context'?: string;
    contexts?: { name?: string; context?: { user?: string } }[];
    users?: { name?: string; user?: { 'client-certificate-data'?: string } }[];
  } | null;
  const userName = config?.contexts?.find((c) => c.name === config['current-context'])?.context?.user;
  const data = config?.users?.find((u) => u.name === userName)?.user?.['client-certificate-data'];
  if (data === undefined) throw new Error('its current user has no client-certificate-data');
  return base64ToPem(data);
}

type Checked = Validity & { readonly fingerprint: string; readonly renewed: boolean };

const checked = (pem: string, renewed: boolean): Checked => ({ ...certificateDates(pem), renewed });

const reported = (entry: Checked): ClientCertificateFacts => ({
  notAfter: new Date(entry.notAfter).toISOString(),
  fingerprint: entry.fingerprint,
  renewed: entry.renewed,
});

/**
 * Renews the talosconfig's client certificate from the secrets bundle (as `talosctl gen config
 * --with-secrets` or `talosctl config new` would: os:admin, one year) and then the admin
 * kubeconfig through a control plane's Kubeconfig API, each only when due (plan/credential-renewal.ts).
 * A Secret that does not exist yet (before provisioning) is left alone.
 */
export async function renewCredentials(deps: TalosActivityDeps, cluster: ClusterRef): Promise<CredentialsReport> {
  const now = (deps.clock ?? (() => new Date()))();
  const meta = { labels: clusterSecretLabels(cluster), type: clusterSecretType };
  const bundleText = await readIfPresent(deps.secrets, secretsBundleSecret(cluster));
  const bundle = bundleText === undefined ? undefined : parseSecretsBundle(bundleText);
  const authorities: AuthorityFacts[] = bundle
    ? [
        { name: 'Talos API CA', pem: bundle.certs.os.crt },
        { name: 'Kubernetes CA', pem: bundle.certs.k8s.crt },
      ].map(({ name, pem }) => {
        const { notAfter } = certificateDates(pem);
        return { name, notAfter: new Date(notAfter).toISOString(), expiringSoon: authorityExpiringSoon(notAfter, now.getTime()) };
      })
    : [];

  const talosRef = talosconfigSecret(cluster);
  let talosconfigText = await readIfPresent(deps.secrets, talosRef);
  let talosconfig: Checked | undefined;
  if (talosconfigText !== undefined) {
    const current = parseTalosconfigOrFail(talosconfigText, talosRef);
    talosconfig = checked(current.credentials.certPem, false);
    if (bundle && renewalDue(talosconfig, now.getTime())) {
      heartbeat({ renewing: 'talosconfig' });
      talosconfigText = await generateTalosconfig(bundle, {
        contextName: current.name,
        endpoints: current.endpoints,
        ...(current.nodes.length > 0 ? { nodes: current.nodes } : {}),
        now,
      });
      await deps.secrets.write(talosRef, talosconfigText, meta);
      talosconfig = checked(parseTalosconfig(talosconfigText).credentials.certPem, true);
    }
  }

  const kubeRef = kubeconfigSecret(cluster);
  const kubeconfigText = await readIfPresent(deps.secrets, kubeRef);
  let kubeconfig: Checked | undefined;
  if (kubeconfigText !== undefined) {
    kubeconfig = checked(kubeconfigCertificateOrFail(kubeconfigText, kubeRef), false);
    if (talosconfigText !== undefined && renewalDue(kubeconfig, now.getTime())) {
      heartbeat({ renewing: 'kubeconfig' });
      const fresh = await fromAnyControlPlane(parseTalosconfigOrFail(talosconfigText, talosRef));
      await deps.secrets.write(kubeRef, fresh, meta);
      kubeconfig = checked(kubeconfigCertificateOrFail(fresh, kubeRef), true);
    }
  }

  return {
    checkedAt: now.toISOString(),
    ...(talosconfig ? { talosconfig: reported(talosconfig) } : {}),
    ...(kubeconfig ? { kubeconfig: reported(kubeconfig) } : {}),
    authorities,
    nextCheckAt: new Date(nextCheckAt(now.getTime(), [talosconfig, kubeconfig])).toISOString(),
  };
}

// The talosconfig's endpoints are the control planes; the first that answers issues the kubeconfig.
async function fromAnyControlPlane(talosconfig: ReturnType<typeof parseTalosconfig>): Promise<string> {
  let last: unknown = failure(ErrorType.TalosUnavailable, 'the talosconfig names no endpoint to fetch a kubeconfig from');
  for (const endpoint of talosconfig.endpoints) {
    try {
      return await downloadKubeconfig(endpoint, talosconfig.credentials);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

function parseTalosconfigOrFail(text: string, ref: SecretKeyRef): ReturnType<typeof parseTalosconfig> {
  try {
    return parseTalosconfig(text);
  } catch (error) {
    throw failure(ErrorType.InvalidTalosconfig, `Secret ${ref.namespace}/${ref.name}: ${(error as Error).message}`);
  }
}

function kubeconfigCertificateOrFail(text: string, ref: SecretKeyRef): string {
  try {
    return kubeconfigClientCertificate(text);
  } catch (error) {
    throw failure(
      ErrorType.KubernetesInvalidRequest,
      `Secret ${ref.namespace}/${ref.name} holds no usable admin kubeconfig: ${(error as Error).message}`,
    );
  }
}
