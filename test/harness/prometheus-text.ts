// Reads what a /metrics endpoint serves (Prometheus' text format) into samples a test can ask about.

/** One sample line: `name{label="value",...} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A scraped endpoint. */
export interface Scrape {
  readonly samples: readonly Sample[];
  /** Every family a `# TYPE` line declares, observed or not. */
  readonly families: ReadonlySet<string>;
  /** Whether a query can name `name`: a family, or one of a family's sample names (`_bucket`, `_count`, ...). */
  exposes(name: string): boolean;
  /** The samples named `name` whose labels include `labels`. */
  find(name: string, labels?: Readonly<Record<string, string>>): Sample[];
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format; a line that is neither a comment nor a sample fails the parse. */
export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  const families = new Set<string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const type = /^# TYPE (\S+) \S+$/.exec(trimmed);
      if (type?.[1]) families.add(type[1]);
      continue;
    }
    const match = sampleLine.exec(trimmed);
    if (!match?.[1] || match[3] === undefined) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPair))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  const names = new Set(samples.map((s) => s.name));
  return {
    samples,
    families,
    exposes: (name) => names.has(name) || families.has(name) || families.has(name.replace(/_(bucket|sum|count|total)$/, '')),
    find: (name, wanted = {}) => samples.filter((s) => s.name === name && Object.entries(wanted).every(([k, v]) => s.labels[k] === v)),
  };
}

/** Fetches and parses an endpoint. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return parsePrometheusText(await response.text());
}
