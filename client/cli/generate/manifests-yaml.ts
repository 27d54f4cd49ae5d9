import { stringify } from 'yaml';

/**
 * A multi-document YAML stream for `kubectl apply -f -`: the header as comments, then one
 * document per object. Long lines are left alone: a folded string would read back the same, but
 * not as a user would write it. Objects a renderer shares (a label map) are written out each time, not
 * as YAML anchors, which readers of a manifest do not expect.
 */
export function manifestsYaml(header: readonly string[], objects: readonly unknown[]): string {
  const comments = header.map((line) => `# ${line}\n`).join('');
  return comments + objects.map((object) => `---\n${stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}
