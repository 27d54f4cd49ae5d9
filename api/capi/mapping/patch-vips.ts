// Many CAPI + Talos guides put the control-plane VIP in a TalosControlPlane patch. Capstan now
// adds the endpoint as the VIP itself, so such a patch is either redundant or a second shared IP
// the control planes would announce next to the endpoint: told here, with the patch named.
import { parseAllDocuments } from 'yaml';
import type { TalosPatches } from '../../desired-cluster.ts';
import { controlPlaneEndpointAnnotation } from '../annotations.ts';
import { joinPath, type IssueLog, type ObjectKey } from './issues.ts';

/** A shared IP a patch sets, and the patch's field path. */
interface PatchVip {
  readonly ip: string;
  readonly path: string;
}

/** Every `vip: {ip}` in a value, at any depth (interfaces, their VLANs). */
function vipsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(vipsIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const vip = record['vip'];
  const own =
    vip !== null && typeof vip === 'object' && typeof (vip as { ip?: unknown }).ip === 'string' ? [(vip as { ip: string }).ip] : [];
  return [...own, ...Object.entries(record).flatMap(([key, inner]) => (key === 'vip' ? [] : vipsIn(inner)))];
}

function patchVips(patches: TalosPatches, path: string): PatchVip[] {
  const strategic = patches.strategicPatches.flatMap((text, index) => {
    const documents = parseAllDocuments(text);
    if (!Array.isArray(documents)) return [];
    return documents.flatMap((document) => vipsIn(document.toJS()).map((ip) => ({ ip, path: joinPath(path, 'strategicPatches', index) })));
  });
  const rfc6902 = patches.configPatches.flatMap((operation, index) => {
    if (operation.op !== 'add' && operation.op !== 'replace') return [];
    const value = 'value' in operation ? operation.value : undefined;
    const ips =
      operation.path.endsWith('/vip/ip') && typeof value === 'string'
        ? [value]
        : operation.path.endsWith('/vip')
          ? vipsIn({ vip: value })
          : vipsIn(value);
    return ips.map((ip) => ({ ip, path: joinPath(path, 'configPatches', index) }));
  });
  return [...strategic, ...rfc6902];
}

/**
 * Tells a control-plane patch's VIP apart from the endpoint: the same address is redundant (a
 * warning), another one would be a second shared IP (an error), and with the endpoint allocated
 * from the pool the patch's address is what the user meant as the endpoint (an error saying so).
 * A user's own load balancer leaves the patch to the user.
 */
export function checkPatchVips(
  patches: TalosPatches,
  endpoint: { readonly host: string; readonly externalLoadBalancer?: boolean | undefined } | undefined,
  object: ObjectKey,
  path: string,
  log: IssueLog,
): void {
  if (endpoint?.externalLoadBalancer === true) return;
  for (const vip of patchVips(patches, path)) {
    if (endpoint === undefined)
      log.errors.push({
        object,
        path: vip.path,
        message: `sets the Talos VIP ${vip.ip}, but the endpoint comes from the pool and Capstan announces that as the VIP: set the ProxmoxCluster's spec.controlPlaneEndpoint.host to ${vip.ip} and drop the VIP from the patch`,
      });
    else if (vip.ip === endpoint.host)
      log.warnings.push({
        object,
        path: vip.path,
        message: `sets the Talos VIP ${vip.ip}, which Capstan already adds to every control plane (the control-plane endpoint): the patch can go`,
      });
    else
      log.errors.push({
        object,
        path: vip.path,
        message: `sets the Talos VIP ${vip.ip}, but the control planes already share the endpoint ${endpoint.host} as their VIP: drop the VIP from the patch, or declare ${controlPlaneEndpointAnnotation}: external-load-balancer if ${endpoint.host} is a load balancer of yours`,
      });
  }
}
