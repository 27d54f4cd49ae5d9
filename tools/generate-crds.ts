// `npm run generate:crds`: writes config/crd/ (and config/kustomization.yaml) from the zod schemas in api/ and removes stale files.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdDir, crdKustomizationFile, renderCrdFiles, renderCrdKustomization } from './crd-files.ts';

const files = renderCrdFiles();
mkdirSync(crdDir, { recursive: true });
for (const stale of readdirSync(crdDir).filter((name) => name.endsWith('.yaml') && !files.has(name))) {
  rmSync(join(crdDir, stale));
}
for (const [name, content] of files) writeFileSync(join(crdDir, name), content);
writeFileSync(crdKustomizationFile, renderCrdKustomization(files));
console.log(`wrote ${files.size} CRDs to ${crdDir} and their kustomization to ${crdKustomizationFile}`);
