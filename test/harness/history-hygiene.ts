// "No private-key or token material in any workflow history": histories are stored by the
// Temporal server, shown in the UI and exported for replay, so a key that reaches one has leaked.
// The scanner reads the JSON form of a history (what historyToJSON writes and the replay test
// reads), decoding every base64 string it meets — payload data, and base64 inside decoded JSON
// or text — so material nested in payloads of payloads is found too.
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';

/** The kinds of material a history must never hold. */
export const SecretKind = {
  pemPrivateKey: 'pem-private-key',
  base64Pem: 'base64-pem',
  bootstrapToken: 'bootstrap-token',
  kubeconfigClientKey: 'kubeconfig-client-key-data',
  talosconfigKey: 'talosconfig-key',
  knownSecret: 'known-secret',
} as const;
/** One of {@link SecretKind}. */
export type SecretKind = (typeof SecretKind)[keyof typeof SecretKind];

/** One piece of material found; says where, never what (the finding is printed by tests). */
export interface HistoryFinding {
  readonly kind: SecretKind;
  /** The history event holding it, when the input is a history with `events`. */
  readonly eventId?: string;
  readonly eventType?: string;
  /** JSON path from the history root; `<base64>` and `<json>` mark each decoding step. */
  readonly path: string;
}

const patterns: ReadonlyArray<readonly [SecretKind, RegExp]> = [
  // Any PEM private key: PKCS#8, RSA, EC, OpenSSH, encrypted.
  [SecretKind.pemPrivateKey, /PRIVATE KEY-----/],
  // "-----BEGIN" in base64, the way kubeconfigs and talosconfigs carry PEM.
  [SecretKind.base64Pem, /LS0tLS1CRUdJTi/],
  // Talos machine/trustd tokens and Kubernetes bootstrap tokens: [a-z0-9]{6}.[a-z0-9]{16}.
  [SecretKind.bootstrapToken, /(?<![A-Za-z0-9_.-])[a-z0-9]{6}\.[a-z0-9]{16}(?![A-Za-z0-9_-])/],
  [SecretKind.kubeconfigClientKey, /client-key-data["']?\s*:\s*["']?[A-Za-z0-9+/=]{8,}/],
  // A talosconfig context's `key:` (base64 of the client's private key), in YAML or JSON.
  [SecretKind.talosconfigKey, /(?:^|[\s{,])["']?key["']?\s*:\s*["']?[A-Za-z0-9+/]{20,}/m],
];

// Long enough that ordinary words and IDs are not decoded; short enough for a token's base64.
const base64Run = /[A-Za-z0-9+/]{24,}={0,2}/g;
const wholeBase64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const maxDepth = 6;

/** Every finding in a history (its JSON text or parsed JSON); `knownSecrets` are literal values that must not appear. */
export function scanHistory(history: unknown, knownSecrets: readonly string[] = []): HistoryFinding[] {
  const root: unknown = typeof history === 'string' ? JSON.parse(history) : history;
  const secrets = knownSecrets.filter((s) => s !== '');
  const findings: HistoryFinding[] = [];
  const seen = new Set<string>();
  const events = isRecord(root) && Array.isArray(root['events']) ? (root['events'] as unknown[]) : undefined;
  const report = (kind: SecretKind, path: string, event: unknown) => {
    const key = `${kind} ${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    const where = isRecord(event) ? { eventId: String(event['eventId']), eventType: String(event['eventType']) } : {};
    findings.push({ kind, ...where, path });
  };
  const scanPatterns = (text: string, path: string, event: unknown, skip: ReadonlySet<SecretKind> = new Set()) => {
    for (const [kind, pattern] of patterns) if (!skip.has(kind) && pattern.test(text)) report(kind, path, event);
    if (!skip.has(SecretKind.knownSecret) && secrets.some((secret) => text.includes(secret))) report(SecretKind.knownSecret, path, event);
  };
  const scanText = (text: string, path: string, event: unknown, depth: number) => {
    scanPatterns(text, path, event);
    if (depth >= maxDepth) return;
    if (wholeBase64.test(text) && text.length >= 8) {
      const decoded = decodeBase64(text);
      if (decoded !== undefined) scanDecoded(decoded, `${path}<base64>`, event, depth + 1);
      return;
    }
    for (const match of text.matchAll(base64Run)) {
      const decoded = decodeBase64(match[0]);
      if (decoded !== undefined) scanDecoded(decoded, `${path}<base64@${match.index}>`, event, depth + 1);
    }
  };
  const scanDecoded = (text: string, path: string, event: unknown, depth: number) => {
    const parsed = parseJson(text);
    if (parsed === undefined) {
      scanText(text, path, event, depth);
      return;
    }
    const before = findings.length;
    walk(parsed, `${path}<json>`, event, depth);
    // The text as a whole too, for a pattern that spans a key and its value (`"client-key-data": …`);
    // a kind the walk already placed more precisely is not reported twice.
    const placed = new Set(findings.slice(before).map((f) => f.kind));
    scanPatterns(text, path, event, placed);
  };
  const walk = (value: unknown, path: string, event: unknown, depth: number): void => {
    if (typeof value === 'string') scanText(value, path, event, depth);
    else if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, `${path}[${i}]`, event, depth);
      });
    else if (isRecord(value)) for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, event, depth);
  };
  if (events !== undefined)
    events.forEach((event, i) => {
      walk(event, `events[${i}]`, event, 0);
    });
  else walk(root, '', undefined, 0);
  return findings;
}

/** One line per finding, for an assertion message. */
export function describeFindings(findings: readonly HistoryFinding[]): string {
  return findings
    .map((f) => `${f.kind} in ${f.eventId === undefined ? '' : `event ${f.eventId} (${f.eventType}) at `}${f.path}`)
    .join('\n');
}

/** What fetches histories: a Client, or a TestWorkflowEnvironment (through its `client`). */
export type HistorySource = Pick<Client, 'workflow'> | { readonly client: Pick<Client, 'workflow'> };

/**
 * Fetches the history of `workflowId` and of every run it leads to — the children it started,
 * the run it continued from — scans each and throws listing every finding. Returns the runs
 * scanned (`workflowId/runId`), so a test can see the children were included.
 */
export async function assertHistoryClean(
  source: HistorySource,
  workflowId: string,
  knownSecrets: readonly string[] = [],
  runId?: string,
): Promise<string[]> {
  const workflow = 'workflow' in source ? source.workflow : source.client.workflow;
  const pending: Array<readonly [string, string | undefined]> = [[workflowId, runId]];
  const scanned: string[] = [];
  const problems: string[] = [];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    const [id, run] = next;
    const history = await workflow.getHandle(id, run).fetchHistory();
    const events = history.events ?? [];
    const actualRun = run ?? events[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId ?? '';
    if (scanned.includes(`${id}/${actualRun}`)) continue;
    scanned.push(`${id}/${actualRun}`);
    const findings = scanHistory(historyToJSON(proto.temporal.api.history.v1.History.create(history)), knownSecrets);
    if (findings.length > 0) problems.push(`${id} (run ${actualRun}):\n${describeFindings(findings)}`);
    for (const event of events) {
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) pending.push([child.workflowId, child.runId ?? undefined]);
      const previous = event.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (previous) pending.push([id, previous]);
    }
  }
  if (problems.length > 0) throw new Error(`secret material in workflow histories:\n${problems.join('\n')}`);
  return scanned;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Base64 decoded as text, or undefined when it is not text. Binary payloads (protobuf) are read
 * as latin1, so the ASCII of a PEM or token inside them still matches.
 */
function decodeBase64(text: string): string | undefined {
  if (text.length < 8) return undefined;
  const bytes = Buffer.from(text, 'base64');
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex -- control characters mean "not text"
    return /[\u0000-\u0008\u000e-\u001f]/.test(utf8) ? bytes.toString('latin1') : utf8;
  } catch {
    return bytes.toString('latin1');
  }
}
