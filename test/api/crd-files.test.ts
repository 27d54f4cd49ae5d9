import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capstanCrds } from '../../api/crds.ts';
import { crdDir, crdKustomizationFile, renderCrdFiles, renderCrdKustomization } from '../../tools/crd-files.ts';

describe('config/crd', () => {
  const files = renderCrdFiles();

  it.each([...files.keys()])('%s matches what the zod schemas generate (run `npm run generate:crds` after changing api/)', (name) => {
    const path = join(crdDir, name);
    expect(existsSync(path), `${path} is missing`).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(files.get(name));
  });

  it('holds no CRD the schemas no longer generate', () => {
    const onDisk = readdirSync(crdDir).filter((name) => name.endsWith('.yaml'));
    expect(onDisk.sort()).toEqual([...files.keys()].sort());
  });

  it('lists every CRD in config/kustomization.yaml, the base deploy/ builds on (run `npm run generate:crds`)', () => {
    expect(readFileSync(crdKustomizationFile, 'utf8')).toBe(renderCrdKustomization(files));
  });

  it('gives every schema node a type, or a marker the API server accepts instead (structural schemas)', () => {
    const untyped: string[] = [];
    const walk = (node: Record<string, unknown>, path: string): void => {
      const marked =
        node.type !== undefined || node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
      if (!marked) untyped.push(path);
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>))
        walk(child, `${path}.${name}`);
      if (node.items) walk(node.items as Record<string, unknown>, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties as Record<string, unknown>, `${path}{}`);
    };
    for (const crd of capstanCrds) {
      const version = crd.spec.versions[0] as unknown as { schema: { openAPIV3Schema: Record<string, unknown> } };
      walk(version.schema.openAPIV3Schema, crd.metadata.name);
    }
    expect(untyped).toEqual([]);
  });
});
