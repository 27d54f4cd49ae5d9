import type { ClusterVersions } from '../../cluster-plan.ts';
import { parse as parseYaml } from 'yaml';
import {
  Version,
  VersionCatalog,
  compareVersions,
  latestPatch,
  minorOf,
  minorsBetween,
  parseVersion,
  type TalosRelease,
} from '../../versions.ts';
import { talosVersionAnnotation, versionCatalogAnnotation, versionCatalogKey } from '../annotations.ts';
import type { Cluster } from '../cluster.ts';
import type { TalosControlPlane } from '../talos-control-plane.ts';
import { Kinds, findObject, type ClusterObjects } from './cluster-objects.ts';
import { parseAt, type IssueLog, type ObjectKey } from './issues.ts';

/**
 * The catalog a cluster plans with: the ConfigMap its `capstan.dev/version-catalog` annotation
 * names, else `fallback` (the built-in default catalog).
 */
export function resolveCatalog(
  cluster: Cluster,
  clusterKey: ObjectKey,
  objects: ClusterObjects,
  fallback: VersionCatalog,
  log: IssueLog,
): VersionCatalog | undefined {
  const name = cluster.metadata.annotations?.[versionCatalogAnnotation];
  if (name === undefined) return fallback;
  const referrer = { object: clusterKey, path: `metadata.annotations[${versionCatalogAnnotation}]` };
  const configMap = findObject(objects, Kinds.ConfigMap, clusterKey.namespace, name, log, referrer);
  if (!configMap) return undefined;
  const key = { kind: 'ConfigMap', namespace: clusterKey.namespace, name };
  const path = `data[${versionCatalogKey}]`;
  const text = configMap.data?.[versionCatalogKey];
  if (text === undefined) {
    log.errors.push({
      object: key,
      path,
      message: 'is required: the version catalog as YAML ({kubernetes: [v1.34.2, ...], talos: [{version, kubernetesMin, kubernetesMax}]})',
    });
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    log.errors.push({
      object: key,
      path,
      message: `is not valid YAML: ${((error as Error).message.split('\n')[0] ?? '').replace(/:$/, '')}`,
    });
    return undefined;
  }
  return parseAt(VersionCatalog, parsed, key, path, log);
}

/**
 * Kubernetes comes from TalosControlPlane `spec.version`; Talos from the `capstan.dev/talos-version`
 * annotation, else CABPT's `talosVersion`. A bare minor there (`v1.11`, as CABPT allows) means the
 * catalog's latest patch of it. There is no default: an unstated Talos version would change with
 * the catalog, and Capstan would upgrade the cluster's OS on its own.
 */
export function resolveVersions(
  tcp: TalosControlPlane,
  tcpKey: ObjectKey,
  catalog: VersionCatalog,
  log: IssueLog,
): ClusterVersions | undefined {
  const kubernetes = tcp.spec.version;
  const talos = resolveTalosVersion(tcp, tcpKey, catalog, log);
  if (!catalog.kubernetes.includes(kubernetes)) {
    log.warnings.push({
      object: tcpKey,
      path: 'spec.version',
      message: `${kubernetes} is not in the version catalog (${catalog.kubernetes.join(', ')}): Capstan can build machines at it but cannot plan an upgrade to it`,
    });
  }
  if (talos === undefined) return undefined;
  const release = releaseOf(catalog, talos.version);
  if (!release) {
    log.errors.push({
      object: tcpKey,
      path: talos.path,
      message: `Talos ${minorOf(talos.version)} is not in the version catalog, so the Kubernetes versions it runs are unknown; add it to the catalog or pick a listed release (${catalog.talos.map((r) => r.version).join(', ')})`,
    });
    return undefined;
  }
  if (compareVersions(minorOf(kubernetes), release.kubernetesMin) < 0 || compareVersions(minorOf(kubernetes), release.kubernetesMax) > 0) {
    log.errors.push({
      object: tcpKey,
      path: 'spec.version',
      message: `Talos ${talos.version} runs Kubernetes ${release.kubernetesMin} to ${release.kubernetesMax}, not ${kubernetes}; change the Kubernetes or the Talos version`,
    });
    return undefined;
  }
  return { kubernetes, talos: talos.version };
}

function releaseOf(catalog: VersionCatalog, version: string): TalosRelease | undefined {
  const sameMinor = catalog.talos.filter((r) => minorOf(r.version) === minorOf(version));
  return sameMinor.find((r) => r.version === version) ?? sameMinor.sort((a, b) => compareVersions(a.version, b.version)).at(-1);
}

function resolveTalosVersion(
  tcp: TalosControlPlane,
  tcpKey: ObjectKey,
  catalog: VersionCatalog,
  log: IssueLog,
): { version: string; path: string } | undefined {
  const configPath = 'spec.controlPlaneConfig.controlplane.talosVersion';
  const annotationPath = `metadata.annotations[${talosVersionAnnotation}]`;
  const written = tcp.spec.controlPlaneConfig.controlplane.talosVersion;
  const pinned = tcp.metadata.annotations?.[talosVersionAnnotation];
  if (pinned !== undefined) {
    if (!Version.safeParse(pinned).success) {
      log.errors.push({ object: tcpKey, path: annotationPath, message: `must be a Talos release like v1.11.5, not ${pinned}` });
      return undefined;
    }
    if (written !== undefined && minorOf(written) !== minorOf(pinned)) {
      log.errors.push({
        object: tcpKey,
        path: configPath,
        message: `${written} and the ${talosVersionAnnotation} annotation (${pinned}) name different Talos minors; make them agree`,
      });
      return undefined;
    }
    return { version: pinned, path: annotationPath };
  }
  if (written === undefined) {
    log.errors.push({
      object: tcpKey,
      path: configPath,
      message: `is required by Capstan: the Talos version to install, e.g. v1.11.5 (or set the ${talosVersionAnnotation} annotation)`,
    });
    return undefined;
  }
  if (Version.safeParse(written).success) return { version: written, path: configPath };
  const latest = latestPatch(
    catalog.talos.map((r) => r.version),
    written,
  );
  if (latest === undefined) {
    log.errors.push({
      object: tcpKey,
      path: configPath,
      message: `Talos ${written} is not in the version catalog (${catalog.talos.map((r) => r.version).join(', ')}); name a listed release`,
    });
    return undefined;
  }
  log.warnings.push({
    object: tcpKey,
    path: configPath,
    message: `${written} names a minor: Capstan installs ${latest}, the catalog's latest ${written} patch, and follows newer patches the catalog gains; write ${latest} (or set ${talosVersionAnnotation}) to pin it`,
  });
  return { version: latest, path: configPath };
}

/** Why a MachineDeployment's kubelet version breaks the skew policy against the control plane's, if it does. */
export function kubeletSkewProblem(kubelet: string, apiserver: string): string | undefined {
  if (parseVersion(kubelet).major !== parseVersion(apiserver).major)
    return `${kubelet} and the control plane's ${apiserver} have different major versions`;
  const behind = minorsBetween(kubelet, apiserver);
  if (behind < 0)
    return `${kubelet} is newer than the control plane's ${apiserver}: kubelets must not be newer than the API server; upgrade the TalosControlPlane first`;
  const allowed = parseVersion(kubelet).minor < 25 ? 2 : 3;
  if (behind > allowed)
    return `${kubelet} is ${behind} minors behind the control plane's ${apiserver}; kubelets may trail by at most ${allowed}`;
  return undefined;
}
