import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifests, type Manifest } from '../../../embedded/manifest.ts';

export type { Manifest };

/** The documents of a fixture file in test/api/capi/fixtures. */
export function loadManifests(file: string): Manifest[] {
  return parseManifests(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8'));
}

/** The demo cluster's manifests, a fresh copy each call (cases edit them). */
export function demoManifests(): Manifest[] {
  return loadManifests('demo-cluster.yaml');
}

/** The one manifest of `kind` named `name`; throws when the fixture has none. */
export function manifest(documents: readonly Manifest[], kind: string, name: string): Manifest {
  const found = documents.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found) throw new Error(`fixture has no ${kind} ${name}`);
  return found;
}

/** The object at a dotted path of a manifest (`spec.template.spec`), for edits. */
export function at(document: Manifest, path: string): Record<string, unknown> {
  let node: unknown = document;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as Record<string, unknown>;
}

const poolOfNamespace = new Map<string, number>();

/**
 * The documents with a ProxmoxCluster pool (and endpoint) no other namespace of this test file
 * uses: the controller refuses a pool that overlaps an older one in another namespace.
 */
export function inOwnPool(documents: Manifest[], namespace: string): Manifest[] {
  const net = poolOfNamespace.get(namespace) ?? 11 + poolOfNamespace.size;
  poolOfNamespace.set(namespace, net);
  for (const document of documents.filter((d) => d.kind === 'ProxmoxCluster')) {
    const spec = at(document, 'spec');
    spec['controlPlaneEndpoint'] = { host: `10.10.${net}.5`, port: 6443 };
    spec['dnsServers'] = [`10.10.${net}.1`];
    spec['ipv4Config'] = { addresses: [`10.10.${net}.20-10.10.${net}.60`], prefix: 24, gateway: `10.10.${net}.1` };
  }
  return documents;
}
