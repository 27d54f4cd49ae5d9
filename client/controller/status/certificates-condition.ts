import { ConditionReason, ConditionType } from '../../../api/capi/conditions.ts';
import type { ClusterRef } from '../../../api/cluster-ref.ts';
import type { CredentialsCheck } from '../../../api/credentials.ts';
import { isFalse, isTrue, type ConditionDraft } from './conditions.ts';

const day = (iso: string): string => iso.slice(0, 10);

/** What an operator does about an expiring CA: Talos' documented rotation, then fresh credentials. */
function rotationAdvice(cluster: ClusterRef): string {
  return (
    `rotate it with Talos' CA rotation procedure (talosctl rotate-ca, https://www.talos.dev/latest/advanced/ca-rotation/), ` +
    `then put the new CA into Secret ${cluster.namespace}/${cluster.name}-talos-secrets so that Capstan issues credentials from it`
  );
}

/**
 * CertificatesValid from the cluster workflow's last renewal check: False (Warning) when a CA has
 * less than a year left — long before anything fails, since every certificate it signed ends with
 * it — or when the renewal check itself failed; True with the client certificates' end dates
 * otherwise. Undefined until the first check reported.
 */
export function certificatesCondition(check: CredentialsCheck | undefined, cluster: ClusterRef): ConditionDraft | undefined {
  if (check === undefined) return undefined;
  const expiring = check.report?.authorities.filter((a) => a.expiringSoon) ?? [];
  if (expiring.length > 0) {
    const which = expiring.map((a) => `the ${a.name} expires on ${day(a.notAfter)}`).join(' and ');
    return isFalse(ConditionType.CertificatesValid, ConditionReason.CertificateAuthorityExpiring, `${which}: ${rotationAdvice(cluster)}`);
  }
  if (check.problem !== undefined) return isFalse(ConditionType.CertificatesValid, ConditionReason.CertificateRenewalFailed, check.problem);
  const report = check.report;
  const ends = [
    report?.talosconfig ? `talosconfig until ${day(report.talosconfig.notAfter)}` : undefined,
    report?.kubeconfig ? `kubeconfig until ${day(report.kubeconfig.notAfter)}` : undefined,
  ].filter((e) => e !== undefined);
  return isTrue(ConditionType.CertificatesValid, undefined, ends.length > 0 ? `${ends.join(', ')}; renewed when due` : undefined);
}
