import { status } from '@grpc/grpc-js';
import { ErrorType } from '../../../api/errors.ts';
import { failure } from '../../failure.ts';
import { classifyTalosError } from '../machine-api/classify-talos-error.ts';
import { maintenanceCredentials, type TalosCredentials } from '../machine-api/credentials.ts';
import type { ApplyConfigurationReply, ApplyMode } from '../machine-api/messages.ts';
import { singleNode } from '../machine-api/node-replies.ts';
import { hasCode } from '../machine-api/talos-call-error.ts';
import { activityCallOptions, clusterCredentials, withClient, type TalosActivityDeps, type TalosNodeRef } from './talos-session.ts';
import { machineConfigSecret } from '../../../api/cluster-secrets.ts';
import { untilReady } from './until-ready.ts';

/** Apply modes as workflows name them. */
export type ConfigApplyMode = 'auto' | 'reboot' | 'no-reboot' | 'staged' | 'try';

/** Which machine's config (Secret `<machine>-bootstrap-data`) goes to which node. */
export interface ApplyMachineConfigInput extends TalosNodeRef {
  readonly machine: string;
  /** Default `auto`: live when possible, reboot when needed (a fresh node installs and reboots anyway). */
  readonly mode?: ConfigApplyMode;
}

/** What happened; never the config itself, nor Talos' diff of it (both hold secrets). */
export interface ApplyMachineConfigResult {
  readonly outcome: 'applied-in-maintenance' | 'applied' | 'unchanged';
  /** The mode Talos chose (`NO_REBOOT`, `REBOOT`, ...); empty in maintenance mode. */
  readonly mode: string;
  readonly warnings: readonly string[];
}

const modes: Record<ConfigApplyMode, ApplyMode> = {
  auto: 'AUTO',
  reboot: 'REBOOT',
  'no-reboot': 'NO_REBOOT',
  staged: 'STAGED',
  try: 'TRY',
};
const probeDeadlineMs = 10_000;

/**
 * Applies the machine's config, idempotently: a node that answers mTLS with the cluster's CA is
 * already configured, so the config is compared there first (dry run) and applied only if it
 * differs; otherwise the node must be in maintenance mode and gets it over insecure TLS.
 */
export async function applyMachineConfig(deps: TalosActivityDeps, input: ApplyMachineConfigInput): Promise<ApplyMachineConfigResult> {
  const config = Buffer.from(await deps.secrets.read(machineConfigSecret(input.cluster.namespace, input.machine)), 'utf8');
  const credentials = await clusterCredentials(deps.secrets, input.cluster);
  const mode = modes[input.mode ?? 'auto'];
  const configured = await answersMtls(input.address, credentials);
  if (configured === true) return applyToConfiguredNode(input.address, credentials, config, mode);
  try {
    // A VM just started is still booting into maintenance mode: waited for, not failed at once.
    const reply = await untilReady(
      `${input.address} to answer in maintenance mode`,
      () => apply(input.address, maintenanceCredentials, config, mode, false),
      (error) => hasCode(error, status.UNAVAILABLE),
      deps.pollMs ?? 2_000,
    );
    return { outcome: 'applied-in-maintenance', mode: '', warnings: reply.warnings };
  } catch (error) {
    if (!hasCode(error, status.UNAVAILABLE, status.DEADLINE_EXCEEDED))
      throw classifyTalosError(error, `applying ${input.machine}'s config to ${input.address}`);
    throw failure(
      ErrorType.TalosUnavailable,
      `${input.address} answers neither mTLS with the cluster's CA (${configured.message}) nor maintenance mode (${(error as Error).message})`,
    );
  }
}

async function applyToConfiguredNode(
  address: string,
  credentials: TalosCredentials,
  config: Buffer,
  mode: ApplyMode,
): Promise<ApplyMachineConfigResult> {
  try {
    // Talos reports an identical config as "Config diff: … No changes." in the dry run; any other
    // answer (or a dry run this Talos cannot do) falls through to a real apply, harmless too.
    const dryRun = await apply(address, credentials, config, mode, true).catch(() => undefined);
    if (dryRun && /Config diff:\s*No changes\./i.test(dryRun.modeDetails))
      return { outcome: 'unchanged', mode: dryRun.mode, warnings: dryRun.warnings };
    const reply = await apply(address, credentials, config, mode, false);
    return { outcome: 'applied', mode: reply.mode, warnings: reply.warnings };
  } catch (error) {
    throw classifyTalosError(error, `applying config to configured node ${address}`);
  }
}

function apply(
  address: string,
  credentials: TalosCredentials,
  data: Buffer,
  mode: ApplyMode,
  dryRun: boolean,
): Promise<ApplyConfigurationReply> {
  return withClient(address, credentials, async (client) => {
    const call = 'machine.MachineService/ApplyConfiguration';
    return singleNode(call, await client.applyConfiguration({ data, mode, dryRun }, undefined, activityCallOptions()));
  });
}

// true, or the reason mTLS did not work (handshake refused, node down, ...).
async function answersMtls(address: string, credentials: TalosCredentials): Promise<true | Error> {
  try {
    await withClient(address, credentials, async (client) => client.version(undefined, activityCallOptions(probeDeadlineMs)));
    return true;
  } catch (error) {
    if (hasCode(error, status.UNAVAILABLE, status.DEADLINE_EXCEEDED)) return error;
    throw classifyTalosError(error, `checking whether ${address} is configured`);
  }
}
