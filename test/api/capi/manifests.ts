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
