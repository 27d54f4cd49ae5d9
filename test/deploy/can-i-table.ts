// The README's permission tables: what `kubectl auth can-i --list` answers a ServiceAccount, in
// Capstan's namespace and in any other, as one Markdown table. The rules every authenticated user
// has (discovery URLs, self-reviews) are left out: they are not deploy/'s to grant.
import { kubectl } from './kustomize.ts';

interface CanIRow {
  readonly resource: string;
  readonly verbs: string;
  /** The objects a rule is limited to by name; empty: all of them. */
  readonly names: readonly string[];
}

/**
 * The resource rows of `kubectl auth can-i --list` output, without the self-review rows; a rule
 * limited to named objects (one row per name there) is one row with its names.
 */
export function parseCanIList(output: string): CanIRow[] {
  const rows: CanIRow[] = [];
  for (const line of output.split('\n').slice(1)) {
    const match = /^(\S+)\s+\[(.*?)\]\s+\[(.*?)\]\s+\[(.*?)\]\s*$/.exec(line);
    if (!match?.[1] || /^selfsubject\w*reviews\./.test(match[1])) continue;
    const [resource, names, verbs] = [match[1], (match[3] ?? '').split(' ').filter((n) => n !== ''), match[4] ?? ''];
    const same = names.length > 0 ? rows.findIndex((r) => r.resource === resource && r.verbs === verbs && r.names.length > 0) : -1;
    const earlier = rows[same];
    if (earlier) rows[same] = { ...earlier, names: [...earlier.names, ...names].sort() };
    else rows.push({ resource, verbs, names });
  }
  return rows;
}

/**
 * The Markdown table for the ServiceAccount whose kubeconfig this is: every resource it may touch,
 * its verbs, and where (every namespace, or only `home`); `elsewhere` is any other namespace.
 */
export function canITable(kubeconfig: string, home: string, elsewhere: string): string {
  const list = (namespace: string): CanIRow[] =>
    parseCanIList(kubectl(['auth', 'can-i', '--list', '--namespace', namespace], { kubeconfig }));
  const everywhere = list(elsewhere);
  const rows = list(home).map((row) => ({
    ...row,
    where: everywhere.some(
      (other) => other.resource === row.resource && other.verbs === row.verbs && other.names.join() === row.names.join(),
    )
      ? 'every namespace'
      : `${home} only`,
  }));
  const byGroup = (resource: string): string => {
    const [plural = '', ...group] = resource.split('.');
    return `${group.join('.')} ${plural}`;
  };
  rows.sort((a, b) => byGroup(a.resource).localeCompare(byGroup(b.resource)));
  return [
    '| Resource | Verbs | Where |',
    '| --- | --- | --- |',
    ...rows.map((row) => {
      const named = row.names.length > 0 ? ` named ${row.names.map((n) => `\`${n}\``).join(', ')}` : '';
      return `| \`${row.resource}\`${named} | ${row.verbs} | ${row.where} |`;
    }),
  ].join('\n');
}

/** The table between `<!-- can-i <account> -->` and `<!-- /can-i -->` in the README; undefined when missing. */
export function readmeTable(readme: string, account: string): string | undefined {
  const match = new RegExp(`<!-- can-i ${account} -->\\n([\\s\\S]*?)\\n<!-- /can-i -->`).exec(readme);
  return match?.[1];
}

/** The README with the table of `account` replaced. */
export function withReadmeTable(readme: string, account: string, table: string): string {
  return readme.replace(
    new RegExp(`(<!-- can-i ${account} -->\\n)[\\s\\S]*?(\\n<!-- /can-i -->)`),
    (_, open: string, close: string) => `${open}${table}${close}`,
  );
}
