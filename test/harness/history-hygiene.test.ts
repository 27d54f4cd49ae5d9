import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import { assertHistoryClean, describeFindings, scanHistory, SecretKind } from './history-hygiene.ts';

// Planted material is built by concatenation so no file of the repository holds a real-looking
// key or token for other scanners to trip over.
const dashes = '-'.repeat(5);
const pem = (label: string) =>
  `${dashes}BEGIN ${label}${dashes}\nMC4CAQAwBQYDK2VwBCIEIOq0c2ltdWxhdGVkLWtleS1ub3QtcmVhbA==\n${dashes}END ${label}${dashes}\n`;
const privateKey = pem(['PRIVATE', 'KEY'].join(' '));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const token = ['k7q2zt', '9x8w7v6u5t4s3r2q'].join('.');
const proxmoxSecret = ['3f1c2a9e', '77d4', '4b1e', '9c0d', '5e6f7a8b9c0d'].join('-');

/** A payload as historyToJSON writes it: base64 metadata and base64 JSON data. */
const payload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
const history = (...events: Array<Record<string, unknown>>) => ({
  events: events.map((attributes, i) => ({ eventId: String(i + 1), eventType: Object.keys(attributes)[0] ?? '', ...attributes })),
});
const kinds = (value: unknown, secrets: readonly string[] = []) => scanHistory(value, secrets).map((f) => f.kind);

describe('scanHistory', () => {
  it('finds a PEM private key in an activity result, and says where', () => {
    const h = history({ activityTaskCompletedEventAttributes: { result: { payloads: [payload({ machine: 'm', key: privateKey })] } } });
    expect(scanHistory(h)).toContainEqual({
      kind: SecretKind.pemPrivateKey,
      eventId: '1',
      eventType: 'activityTaskCompletedEventAttributes',
      path: 'events[0].activityTaskCompletedEventAttributes.result.payloads[0].data<base64><json>.key',
    });
  });

  it('finds base64 PEM, and the key inside it, nested two payloads deep', () => {
    const inner = b64(JSON.stringify({ data: { tls: b64(privateKey) } }));
    const h = history({
      workflowExecutionSignaledEventAttributes: { signalName: 'desired', input: { payloads: [payload({ wrapped: inner })] } },
    });
    const found = scanHistory(h);
    expect(found.map((f) => f.kind)).toEqual(expect.arrayContaining([SecretKind.base64Pem, SecretKind.pemPrivateKey]));
    expect(found.find((f) => f.kind === SecretKind.pemPrivateKey)?.path).toBe(
      'events[0].workflowExecutionSignaledEventAttributes.input.payloads[0].data<base64><json>.wrapped<base64><json>.data.tls<base64>',
    );
  });

  it('finds a Talos or bootstrap token in a failure message and stack trace', () => {
    const failure = { message: `join refused for token ${token}`, stackTrace: `Error: token ${token}\n    at x (file.ts:1:1)` };
    const found = scanHistory(history({ activityTaskFailedEventAttributes: { failure } }));
    expect(found.map((f) => f.path)).toEqual([
      'events[0].activityTaskFailedEventAttributes.failure.message',
      'events[0].activityTaskFailedEventAttributes.failure.stackTrace',
    ]);
    expect(found.every((f) => f.kind === SecretKind.bootstrapToken)).toBe(true);
  });

  it('finds a machine config token in a workflow input as YAML', () => {
    const config = `version: v1alpha1\nmachine:\n  type: worker\n  token: ${token}\n`;
    expect(kinds(history({ workflowExecutionStartedEventAttributes: { input: { payloads: [payload({ config })] } } }))).toEqual([
      SecretKind.bootstrapToken,
    ]);
  });

  it('finds a kubeconfig client-key-data in an update, as YAML and as JSON', () => {
    const yaml = `users:\n- name: admin@zeta\n  user:\n    client-certificate-data: AAAA\n    client-key-data: ${b64(privateKey)}\n`;
    const json = { users: [{ user: { 'client-key-data': b64(privateKey) } }] };
    const h = history(
      { workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { input: { args: { payloads: [payload(yaml)] } } } } },
      { workflowExecutionUpdateCompletedEventAttributes: { outcome: { success: { payloads: [payload(json)] } } } },
    );
    const found = scanHistory(h).filter((f) => f.kind === SecretKind.kubeconfigClientKey);
    expect(found.map((f) => f.eventId)).toEqual(['1', '2']);
  });

  it('finds a talosconfig key in a memo and a search attribute, even with the key base64 inside text', () => {
    const talosconfig = `context: zeta\ncontexts:\n  zeta:\n    endpoints: [127.0.85.10]\n    ca: AAAA\n    crt: AAAA\n    key: ${b64(privateKey)}\n`;
    const h = history(
      { workflowPropertiesModifiedEventAttributes: { upsertedMemo: { fields: { summary: payload(talosconfig) } } } },
      { upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { CapstanPhase: payload(talosconfig) } } } },
    );
    const found = scanHistory(h);
    expect(found.filter((f) => f.kind === SecretKind.talosconfigKey).map((f) => f.eventId)).toEqual(['1', '2']);
    // The key's base64 is found inside the YAML text and decoded too.
    expect(found.some((f) => f.kind === SecretKind.pemPrivateKey && /<base64@\d+>$/.test(f.path))).toBe(true);
  });

  it('finds a literal secret the caller names: raw, in a payload, in a binary payload', () => {
    const binary = {
      metadata: { encoding: b64('binary/plain') },
      data: Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(`PVEAPIToken=capstan@pve!t=${proxmoxSecret}`)]).toString('base64'),
    };
    const h = history(
      {
        activityTaskScheduledEventAttributes: {
          input: { payloads: [payload({ headers: { authorization: `PVEAPIToken=capstan@pve!t=${proxmoxSecret}` } }), binary] },
        },
      },
      { workflowExecutionCompletedEventAttributes: { result: { payloads: [payload({ ok: true })] }, identity: proxmoxSecret } },
    );
    expect(scanHistory(h, [proxmoxSecret]).map((f) => f.path)).toEqual([
      'events[0].activityTaskScheduledEventAttributes.input.payloads[0].data<base64><json>.headers.authorization',
      'events[0].activityTaskScheduledEventAttributes.input.payloads[1].data<base64>',
      'events[1].workflowExecutionCompletedEventAttributes.identity',
    ]);
    expect(kinds(h)).toEqual([]); // without being told, a random secret is not recognisable
  });

  it('finds material planted in a real saved history, and reports it in words', () => {
    const real = JSON.parse(readFileSync(new URL('../replay/histories/provision-3cp-2w.json', import.meta.url), 'utf8')) as {
      events: Array<Record<string, unknown>>;
    };
    expect(scanHistory(real)).toEqual([]);
    const index = real.events.findIndex((e) => e['eventType'] === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED');
    const eventId = String(real.events[index]?.['eventId']);
    real.events[index] = {
      ...real.events[index],
      activityTaskCompletedEventAttributes: { result: { payloads: [payload({ secret: b64(privateKey) })] } },
    };
    const found = scanHistory(JSON.stringify(real));
    expect(found.map((f) => f.kind)).toEqual([SecretKind.base64Pem, SecretKind.pemPrivateKey]);
    expect(describeFindings(found)).toContain(`base64-pem in event ${eventId} (EVENT_TYPE_ACTIVITY_TASK_COMPLETED) at events[${index}].`);
  });

  it('leaves ordinary history content alone: names, addresses, versions, images, certificates by name', () => {
    const h = history({
      activityTaskCompletedEventAttributes: {
        result: {
          payloads: [
            payload({
              machine: 'zeta-md-0-3fa9c',
              vm: 123,
              address: { ip: '127.0.85.12', prefix: 24 },
              kubeletVersion: 'v1.34.2',
              image: 'ghcr.io/siderolabs/installer:v1.11.5',
              secret: 'zeta-talosconfig',
              at: '2026-11-22T03:35:57.258Z',
              runId: '759b9923-c77b-4b7b-bf43-dba783ad6288',
              endpoint: 'https://127.0.85.10:6443',
              taint: { key: 'node.kubernetes.io/unreachable' },
              summary: 'provision default/zeta v1.34.2, step 5/7',
              host: 'kubernetes.default.svc.cluster.local',
            }),
          ],
        },
        identity: '27140@vm',
      },
    });
    expect(scanHistory(h, [proxmoxSecret])).toEqual([]);
  });
});

describe('assertHistoryClean', () => {
  // A client that serves canned histories by workflow ID and run ID.
  const fakeClient = (histories: Record<string, unknown>) =>
    ({
      workflow: {
        getHandle: (id: string, run?: string) => ({
          fetchHistory: () => Promise.resolve(historyFromJSON(histories[`${id}/${run ?? 'latest'}`])),
        }),
      },
    }) as unknown as Pick<Client, 'workflow'>;
  const started = (extra: Record<string, unknown> = {}) => ({
    eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
    workflowExecutionStartedEventAttributes: { originalExecutionRunId: 'r', ...extra },
  });
  const childStarted = {
    eventType: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED',
    childWorkflowExecutionStartedEventAttributes: { workflowExecution: { workflowId: 'child', runId: 'c1' } },
  };
  const completed = (value: unknown) => ({
    eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
    workflowExecutionCompletedEventAttributes: { result: { payloads: [payload(value)] } },
  });
  const withIds = (...events: Array<Record<string, unknown>>) => ({ events: events.map((e, i) => ({ eventId: String(i + 1), ...e })) });

  it('scans the run, its children and the run it continued from, and throws naming each finding', async () => {
    const client = fakeClient({
      'parent/latest': withIds(started({ continuedExecutionRunId: 'p0' }), childStarted, completed({ ok: true })),
      'parent/p0': withIds(started(), completed({ ok: true })),
      'child/c1': withIds(started(), completed({ token })),
    });
    await expect(assertHistoryClean(client, 'parent', [proxmoxSecret])).rejects.toThrow(
      'secret material in workflow histories:\nchild (run c1):\nbootstrap-token in event 2 (EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) at events[1].workflowExecutionCompletedEventAttributes.result.payloads[0].data<base64><json>.token',
    );
    const clean = fakeClient({
      'parent/latest': withIds(started({ continuedExecutionRunId: 'p0' }), childStarted),
      'parent/p0': withIds(started()),
      'child/c1': withIds(started()),
    });
    expect(await assertHistoryClean({ client: clean }, 'parent', [proxmoxSecret])).toEqual(['parent/r', 'parent/p0', 'child/c1']);
  });
});
