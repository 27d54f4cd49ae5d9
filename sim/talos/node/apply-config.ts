// MachineService.ApplyConfiguration in maintenance mode (install, then reboot into the config)
// and on a configured node (modes AUTO, NO_REBOOT, REBOOT, STAGED, TRY; dry runs).
import { clusterField, clusterKeyOf, registerConfig } from '../core/clusters.ts';
import type { TalosContext } from '../core/context.ts';
import { rpcError } from '../core/rpc-error.ts';
import { hostnameOf } from '../core/state.ts';
import type { SimNode } from '../core/state.ts';
import { atLeast } from '../config/image-tag.ts';
import { parseMachineConfig, validationMessage } from '../config/machine-config.ts';
import type { SimMachineConfig } from '../config/machine-config.ts';
import { rebootNode, startBoot, takeDown } from './lifecycle.ts';

/** ApplyConfigurationRequest.Mode names. */
export type ApplyMode = 'REBOOT' | 'AUTO' | 'NO_REBOOT' | 'STAGED' | 'TRY';

/** What the handler gets from the request. */
export interface ApplyRequest {
  readonly data: Buffer;
  readonly mode: ApplyMode;
  readonly dryRun: boolean;
  /** try_mode_timeout in ms, when given. */
  readonly tryTimeoutMs?: number;
}

/** One ApplyConfiguration reply message. */
export type ApplyReply = {
  readonly warnings: string[];
  readonly mode: ApplyMode;
  readonly modeDetails: string;
};

const flagName = (mode: ApplyMode): string => mode.toLowerCase().replace('_', '-');

function parse(request: ApplyRequest): SimMachineConfig {
  const result = parseMachineConfig(request.data.toString('utf8'));
  if (!result.ok) throw rpcError.invalidArgument(validationMessage(result));
  return result.config;
}

function recordConfigured(ctx: TalosContext, node: SimNode, config: SimMachineConfig, mode: string): void {
  ctx.events.append({
    type: 'node.configured',
    vmid: node.vmid,
    address: node.address,
    hostname: hostnameOf(node),
    ...clusterField(ctx, node),
    detail: {
      mode,
      machineType: config.machineType,
      talosVersion: config.talosVersion ?? node.talosVersion,
      kubernetesVersion: config.kubernetesVersion ?? '',
    },
  });
}

/** Apply on a node in maintenance mode: the config is accepted, the node installs Talos and reboots into it. */
export function applyInMaintenance(ctx: TalosContext, node: SimNode, request: ApplyRequest): ApplyReply {
  const legacy = !atLeast(node.bootVersion, 1, 13);
  if (request.mode === 'STAGED' || (legacy && request.mode === 'NO_REBOOT')) {
    throw rpcError.unimplemented(`apply configuration --mode='${flagName(request.mode)}' is not supported in maintenance mode`);
  }
  const config = parse(request);
  if (request.dryRun)
    return { warnings: [], mode: 'REBOOT', modeDetails: 'Node is running in maintenance mode and does not have a config yet' };
  node.config = config;
  registerConfig(ctx, config);
  recordConfigured(ctx, node, config, request.mode);
  takeDown(ctx, node, 'installing', 'install');
  startBoot(ctx, node, 'install', () => {
    node.talosVersion = config.talosVersion ?? node.bootVersion;
  });
  ctx.changed();
  return { warnings: [], mode: legacy ? 'REBOOT' : 'NO_REBOOT', modeDetails: '' };
}

function assertCompatible(current: SimMachineConfig, next: SimMachineConfig): void {
  const errors: string[] = [];
  if (current.machineType !== next.machineType)
    errors.push(`machine type can't be changed from ${current.machineType} to ${next.machineType}`);
  if (clusterKeyOf(current) !== clusterKeyOf(next)) errors.push("cluster name and OS CA can't be changed on a configured node");
  if (errors.length > 0) throw rpcError.invalidArgument(validationMessage({ ok: false, errors }));
}

function applyLive(ctx: TalosContext, node: SimNode, config: SimMachineConfig, mode: string): void {
  // Talos restarts the kubelet when its spec changes, and a restarted kubelet registers its Node again.
  const previous = node.config;
  if (previous?.kubeletImage !== config.kubeletImage || previous?.kubeletProviderId !== config.kubeletProviderId)
    delete node.kubeletRegisteredEpoch;
  node.config = config;
  registerConfig(ctx, config);
  recordConfigured(ctx, node, config, mode);
  ctx.changed();
}

/** Apply on a configured node; every change the simulator models can be applied without a reboot. */
export function applyConfigured(ctx: TalosContext, node: SimNode, request: ApplyRequest, pendingTry: Map<number, () => void>): ApplyReply {
  const current = node.config;
  if (current === undefined) throw rpcError.failedPrecondition('node is not configured');
  const newest = atLeast(node.talosVersion, 1, 14);
  if (request.mode === 'REBOOT' && newest)
    throw rpcError.unimplemented('apply configuration --mode=reboot is not supported, use --mode=auto');
  const config = parse(request);
  assertCompatible(current, config);
  const mode: ApplyMode = request.mode === 'AUTO' ? 'NO_REBOOT' : request.mode;
  if (request.dryRun) {
    const summary = `Applied configuration ${mode === 'REBOOT' ? 'with' : 'without'} a reboot (skipped in dry-run)`;
    return { warnings: [], mode, modeDetails: `Dry run summary:\n${summary}.\n\nConfig diff:\n\n${configDiff(current.raw, config.raw)}` };
  }
  // Any apply confirms a configuration applied in try mode.
  pendingTry.get(node.vmid)?.();
  pendingTry.delete(node.vmid);
  switch (mode) {
    case 'STAGED':
      node.staged.config = config;
      recordConfigured(ctx, node, config, mode);
      return { warnings: [], mode, modeDetails: 'Staged configuration to be applied after the next reboot' };
    case 'REBOOT':
      applyLive(ctx, node, config, mode);
      rebootNode(ctx, node, 'reboot', 'apply configuration');
      return { warnings: [], mode, modeDetails: 'Applied configuration with a reboot' };
    case 'TRY': {
      const timeout = request.tryTimeoutMs ?? 60_000 * ctx.scale;
      applyLive(ctx, node, config, mode);
      const epoch = node.epoch;
      pendingTry.set(
        node.vmid,
        ctx.timers.after(timeout, () => {
          pendingTry.delete(node.vmid);
          if (node.epoch === epoch && node.config === config) applyLive(ctx, node, current, 'TRY rollback');
        }),
      );
      return {
        warnings: [],
        mode,
        modeDetails: `Applied configuration in try mode, it will be rolled back in ${Math.round(timeout / 1000)}s unless confirmed`,
      };
    }
    default:
      applyLive(ctx, node, config, mode);
      return { warnings: [], mode, modeDetails: 'Applied configuration without a reboot' };
  }
}

/** Talos answers a dry run with a diff of the configs, or "No changes." (a line diff is enough here). */
function configDiff(before: string, after: string): string {
  if (before === after) return 'No changes.';
  const old = new Set(before.split('\n'));
  const next = new Set(after.split('\n'));
  const removed = before
    .split('\n')
    .filter((line) => !next.has(line))
    .map((line) => `-${line}`);
  const added = after
    .split('\n')
    .filter((line) => !old.has(line))
    .map((line) => `+${line}`);
  return ['--- a', '+++ b', ...removed, ...added].join('\n');
}
