// The Web UI as a person reads a run, in a real browser: the dev server's bundled UI decodes the
// encrypted histories through Capstan's codec server and shows the run's static summary and every
// activity's summary. Headless Chromium is Debian's (tools/install-chromium.sh).
import { defaultPayloadConverter } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesiredCluster } from '../../api/desired-cluster.ts';
import { clusterWorkflowId } from '../../api/ids.ts';
import { createClusterWorkflows } from '../../client/controller/cluster-workflows.ts';
import { startEmbeddedCodec, type EmbeddedCodec } from '../../embedded/embedded-codec.ts';
import { freePort } from '../../embedded/servers/free-port.ts';
import { makeTempDir } from '../../embedded/servers/temp-dir.ts';
import { isEncrypted } from '../../runtime/codec/aes-gcm-codec.ts';
import { chromiumBinary, projectDir, requireTool } from '../../tools/tool-paths.ts';
import { simDesiredCluster, simMachineShape } from '../fixtures/desired-cluster.ts';
import { ClusterProbe } from '../workflows/cluster-probe.ts';
import { startLifecycleStack, type LifecycleStack } from '../workflows/lifecycle-stack.ts';

const dir = makeTempDir('web-ui');
let codec: EmbeddedCodec;
let stack: LifecycleStack;
let browser: Browser;
let uiUrl: string;
beforeAll(async () => {
  const uiPort = await freePort();
  uiUrl = `http://127.0.0.1:${uiPort}`;
  codec = await startEmbeddedCodec(`${dir.path}/codec`, 0, uiPort, {});
  stack = await startLifecycleStack('web-ui', 'dev-server', {
    devServer: { uiPort, uiCodecEndpoint: codec.uiEndpoint },
    payloadCodec: codec.codec,
  });
  browser = await chromium.launch({
    executablePath: requireTool(chromiumBinary()),
    // The tests run as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox'],
  });
}, 300_000);
afterAll(async () => {
  await browser.close();
  await stack.stop();
  await codec.server.close();
  dir.remove();
});

const cluster = 'kappa';
const spec = DesiredCluster.parse(simDesiredCluster(cluster, 142, { machineDeployments: [] }));

async function events(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** The child runs a run started, by workflow ID, with their summaries (kept encrypted, like every payload). */
async function childStarts(workflowId: string): Promise<{ workflowId: string; summary: string }[]> {
  const starts = (await events(workflowId)).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
  return Promise.all(
    starts.map(async (e) => {
      const summary = e.userMetadata?.summary;
      const [decoded] = summary ? await codec.codec.decode([summary]) : [];
      return {
        workflowId: e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? '',
        summary: decoded ? defaultPayloadConverter.fromPayload<string>(decoded) : '',
      };
    }),
  );
}

const runPage = (workflowId: string, runId: string): string =>
  `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;

// The README's pictures are taken anew with CAPSTAN_UPDATE_SCREENSHOTS=1; other runs keep theirs in
// the temporary folder, so a test run leaves the work tree as it was (each run's names differ).
const shot = (page: Page, name: string): Promise<Buffer> =>
  page.screenshot({
    path: `${process.env['CAPSTAN_UPDATE_SCREENSHOTS'] === '1' ? `${projectDir}/docs/screenshots` : dir.path}/${name}.png`,
    fullPage: true,
  });

/** The page's text with that of its frames, where the UI renders markdown (summaries and details). */
const framesText = async (page: Page): Promise<string> =>
  (
    await Promise.all(
      page.frames().map((frame) =>
        frame
          .locator('body')
          .innerText()
          .catch(() => ''),
      ),
    )
  ).join('\n');

describe('the Web UI reading a run', { timeout: 300_000 }, () => {
  it('shows the static summary, the activity summaries and the decoded input of a machine build', async () => {
    await createClusterWorkflows({ client: stack.env.client, taskQueue: stack.taskQueue }).sendDesired(spec);
    const handle = stack.env.client.workflow.getHandle(clusterWorkflowId('default', cluster));
    await new ClusterProbe(handle).settled(1);
    const [operation] = await childStarts(handle.workflowId);
    const [build] = await childStarts(operation?.workflowId ?? '');
    expect(build?.summary).toMatch(/^create control-plane kappa-cp-\w+ of default\/kappa .*bootstraps etcd$/);
    const machine = /create control-plane (\S+)/.exec(build?.summary ?? '')?.[1] ?? '';

    // What the server keeps is ciphertext: the run's input names the machine only once decoded.
    const buildHandle = stack.env.client.workflow.getHandle(build?.workflowId ?? '');
    const raw = await stack.env.client.connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: buildHandle.workflowId },
    });
    const started = raw.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(started && isEncrypted(started)).toBe(true);
    expect(Buffer.from(started?.data ?? new Uint8Array()).toString('latin1')).not.toContain(machine);
    const runId = (await buildHandle.describe()).runId;

    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(60_000);
    await page.goto(runPage(buildHandle.workflowId, runId));
    // The Input panel shows the start input decoded by the codec server: the machine's role in plain text.
    await page.getByText('Input', { exact: true }).filter({ visible: true }).first().waitFor();
    await page
      .getByText(/"role": "control-plane"/)
      .filter({ visible: true })
      .first()
      .waitFor();

    // Every activity in the timeline names what it works on, beside its type.
    await page.getByText('Timeline', { exact: true }).filter({ visible: true }).first().click();
    await page
      .getByText(new RegExp(`proxmoxEnsureVm • clone VM ${machine} from template 9000 on pve\\d`))
      .filter({ visible: true })
      .first()
      .waitFor();
    await page
      .getByText(new RegExp(`talosWaitForApid • ${machine}: wait for the Talos API on 127\\.0\\.142\\.\\d+`))
      .filter({ visible: true })
      .first()
      .waitFor();
    await shot(page, 'web-ui-timeline');

    // The static summary and details, decoded too; the UI renders their markdown in frames of their own.
    await page.getByText('User Metadata', { exact: true }).filter({ visible: true }).first().click();
    await page.getByText('Current Details', { exact: true }).filter({ visible: true }).first().waitFor();
    await expect.poll(() => framesText(page), { timeout: 60_000 }).toContain(build?.summary ?? 'no summary');
    expect(await framesText(page)).toContain('VM: cloned from template 9000');
    // Current details come from the worker, which the UI queries through the server.
    await expect.poll(() => framesText(page), { timeout: 60_000 }).toContain(`Succeeded: create control-plane ${machine}`);
    await shot(page, 'web-ui-user-metadata');
    await page.close();
  });

  it('retries a blocked step from the update dialog, and the operation goes on', async () => {
    // Proxmox refuses the next clone, as it does a VM on storage the target node lacks: the worker's
    // build blocks at its clone step. The refusal is spent, so the retry succeeds.
    stack.proxmox.faults.failNextTask({ type: 'qmclone', message: "can't clone VM to node 'pve2' (VM uses local storage)" });
    const grown = DesiredCluster.parse(
      simDesiredCluster(cluster, 142, { generation: 2, machineDeployments: [{ name: 'md-0', replicas: 1, machine: simMachineShape }] }),
    );
    await createClusterWorkflows({ client: stack.env.client, taskQueue: stack.taskQueue }).sendDesired(grown);
    const probe = new ClusterProbe(stack.env.client.workflow.getHandle(clusterWorkflowId('default', cluster)));
    const blocked = await probe.blocked();
    expect(blocked).toMatchObject({ step: 'clone VM', errorType: 'ProxmoxInvalidRequest' });
    const blockedHandle = stack.env.client.workflow.getHandle(blocked.workflowId);

    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    page.setDefaultTimeout(60_000);
    await page.goto(runPage(blocked.workflowId, (await blockedHandle.describe()).runId));
    // Its current details say where it stopped, why, and how to go on.
    await page.getByText('User Metadata', { exact: true }).filter({ visible: true }).first().click();
    await expect.poll(() => framesText(page), { timeout: 60_000 }).toMatch(/Blocked at step \d+\D\d+: .clone VM. since /);
    // (The UI's markdown sets quotes and the step's slash typographically.)
    expect(await framesText(page)).toMatch(/ProxmoxInvalidRequest: clone of template 9000 to VM \d+ failed: can.t clone VM to node .pve2./);
    await shot(page, 'web-ui-blocked-run');

    // The run's "More Actions" menu (beside "Request Cancellation") opens the update dialog.
    await page.getByRole('button', { name: 'More Actions' }).filter({ visible: true }).first().click();
    await page.getByTestId('update-button').filter({ visible: true }).first().click();
    const dialog = page.getByTestId('update-confirmation-modal').filter({ visible: true }).first();
    await dialog.getByTestId('update-select-button').click();
    // The dialog lists the run's updates with their descriptions, from the worker's definitions.
    const retry = page.getByRole('option', { name: /^retry/ });
    await retry.waitFor();
    await expect.poll(() => retry.innerText()).toMatch(/Run the blocked step/);
    await shot(page, 'web-ui-update-dialog');
    await retry.click();
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The update went through the server like `capstan retry`: the run accepted it and went on.
    const accepted = (await events(blocked.workflowId)).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)).toEqual(['retry']);
    const done = await probe.settled(2);
    expect(done.recent.at(-1)).toMatchObject({ kind: 'scale-machine-deployment', outcome: expect.stringMatching(/^Succeeded/) as string });
    expect(done.machines.filter((m) => m.role === 'worker' && m.ready)).toHaveLength(1);
    await page.close();
  });
});
