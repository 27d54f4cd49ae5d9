import { parseAllDocuments } from 'yaml';

/** A manifest as YAML gives it: plain JSON objects, the way `kubectl apply -f` reads them. */
export type Manifest = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
};

/** The documents of a multi-document YAML file, empty documents (a trailing `---`) left out. */
export function parseManifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}
