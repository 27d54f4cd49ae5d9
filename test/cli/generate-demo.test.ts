// The README's `capstan generate cluster demo …` prints exactly the demo cluster that `npm start`
// applies (examples/demo/cluster.yaml, comments aside; its MachineHealthCheck is a file of its own).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectDir } from '../../tools/tool-paths.ts';
import { documentsOf, generate, type GeneratedManifest } from './generate-run.ts';

const prefix = 'npm run --silent capstan -- generate cluster ';

/** The arguments of the README's generate command: its continuation lines joined, the redirection dropped. */
function readmeGenerateArgs(): string[] {
  const readme = readFileSync(join(projectDir, 'README.md'), 'utf8');
  const start = readme.indexOf(prefix);
  if (start === -1) throw new Error(`README.md has no "${prefix}…" command`);
  const lines: string[] = [];
  for (const line of readme.slice(start + prefix.length).split('\n')) {
    lines.push(line.replace(/\\$/, ''));
    if (!line.endsWith('\\')) break;
  }
  return lines.join(' ').replace(/>.*$/, '').trim().split(/\s+/);
}

const byKindAndName = (a: GeneratedManifest, b: GeneratedManifest): number =>
  `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);

describe("the README's generate command", () => {
  it('prints the demo cluster, object for object', async () => {
    const [name, ...args] = readmeGenerateArgs();
    expect(name).toBe('demo');
    const { objects } = await generate(name ?? '', args);
    const demo = documentsOf(readFileSync(join(projectDir, 'examples/demo/cluster.yaml'), 'utf8'));
    expect(objects.length).toBe(demo.length);
    expect([...objects].sort(byKindAndName)).toEqual([...demo].sort(byKindAndName));
  });
});
