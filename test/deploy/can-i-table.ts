// The README's permission tables: what `kubectl auth can-i --list` answers a ServiceAccount, in
// Capstan's namespace and in any other, as one Markdown table. The rules every authenticated user
// has (discovery URLs, self-reviews) are left out: they are not deploy/'s to grant.
import { kubectl } from './kustomize.ts';

interface CanIRow {
  readonly resource: string;
  readonly verbs: string;
}

/** The resource rows of `kubectl auth can-i --list` output, without the self-review rows. */
export function parseCanIList(output: string): CanIRow[] {
  return output
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const match = /^(\S+)\s+\[(.*?)\]\s+\[(.*?)\]\s+\[(.*?)\]\s*$/.exec(line);
      if (!match?.[1] || /^selfsubject\w*reviews\./.test(match[1])) return [];
      return [{ resource: match[1], verbs: match[4] ?? '' }];
    });
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
    where: everywhere.some((other) => other.resource === row.resource && other.verbs === row.verbs) ? 'every namespace' : `${home} only`,
  }));
  const byGroup = (resource: string): string => {
    const [plural = '', ...group] = resource.split('.');
    return `${group.join('.')} ${plural}`;
  };
  rows.sort((a, b) => byGroup(a.resource).localeCompare(byGroup(b.resource)));
  return [
    '| Resource | Verbs | Where |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| \`${row.resource}\` | ${row.verbs} | ${row.where} |`),
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
