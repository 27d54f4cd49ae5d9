import { randomUUID } from 'node:crypto';
import { ErrorType } from '../../api/errors.ts';
import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { classified, classifyProxmoxError, classifyTaskFailure } from './classify-error.ts';
import type { CloneSlots, TaskStops } from './clone-slots.ts';
import { findMachineVm, locateVmid, readConfig, type LocatedVm } from './locate-vm.ts';
import { ProxmoxApiError } from './proxmox-api-error.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { PveNextId, PveVmConfig, PveVmResources, Upid, UpidOrNull } from './pve-schemas.ts';
import { normalizeTags } from './vm-config-plan.ts';
import { capstanTag, clusterTag, hasTag, ownerMarker, providerIdOf, vmidCandidates } from './vm-identity.ts';
import { waitWhileCloning } from './wait-for-clone.ts';
import { expectTaskOk, waitForTask } from './wait-for-task.ts';
import { taskStops } from './task-stops.ts';

/** The machine's VM and its providerID (`proxmox://<smbios1 uuid>`), for its Machine, ProxmoxMachine and Node. */
export interface EnsuredVm extends VmRef {
  readonly providerID: string;
}

/** Where a template lives and which storage its disk is on. */
interface Template {
  readonly node: string;
  readonly storage: string;
}

const alreadyExists = /already exists|config file already exists/;

/**
 * Makes sure the machine has exactly one VM, cloning the template onto `node` only when no VM
 * of the machine exists anywhere. Safe to run twice or concurrently for one machine.
 */
export async function ensureVm(
  client: ProxmoxClient,
  limiter: CloneSlots,
  spec: MachineVmSpec,
  node: string,
  options: { readonly cloneFirst?: boolean } = {},
): Promise<EnsuredVm> {
  const existing = await findMachineVm(client, spec);
  if (existing) {
    const vm = await clonedVm(client, limiter, existing);
    return identify(client, spec, vm, vm.config);
  }
  const template = await findTemplate(client, spec.templateVmid);
  for (const vmid of vmidCandidates(spec, spec.vmIdRange)) {
    if (!(await isFreeVmid(client, vmid))) {
      const holder = await holderOf(client, vmid, spec);
      if (holder) {
        const vm = await clonedVm(client, limiter, holder);
        return identify(client, spec, vm, vm.config);
      }
      continue;
    }
    const storage = spec.storage ?? template.storage;
    const cloned = await limiter.run(
      storage,
      String(vmid),
      async (submitted, stopped) => {
        const made = await cloneTemplate(client, spec, template, node, vmid, submitted, stopped);
        if (made) return made;
        // Someone took the VMID between our check and our clone: look at who, like any taken VMID.
        // Perhaps an earlier attempt of this step, whose slot this one took over: it waits for that
        // clone inside the slot, and the slot stays held if the clone may still run.
        try {
          const holder = await holderOf(client, vmid, spec);
          return holder && (await waitWhileCloning(client, holder));
        } catch (error) {
          submitted();
          throw error;
        }
      },
      { first: options.cloneFirst === true },
    );
    if (cloned) return identify(client, spec, cloned);
  }
  throw failure(ErrorType.ProxmoxNoCapacity, `no free VMID for ${spec.machine} in ${spec.vmIdRange.start}-${spec.vmIdRange.end}`);
}

/**
 * The machine's VM once its clone is over (a retry may find the clone an earlier attempt started
 * still running), after giving back the clone slot that attempt may have left held.
 */
async function clonedVm(client: ProxmoxClient, limiter: CloneSlots, found: LocatedVm): Promise<LocatedVm> {
  const vm = await waitWhileCloning(client, found);
  await limiter.ended(diskStorage(vm.config), String(vm.vmid));
  return vm;
}

/**
 * Tags a fresh clone for its cluster at once (so an observation finds it even if the configure step
 * never runs) and reads its providerID from `smbios1`; a VM without a SMBIOS uuid gets one, since
 * the Node's providerID must be stable for the VM's life.
 */
async function identify(client: ProxmoxClient, spec: MachineVmSpec, ref: VmRef, known?: LocatedVm['config']): Promise<EnsuredVm> {
  for (let attempt = 0; ; attempt += 1) {
    const config = attempt === 0 && known ? known : await classified(() => readConfig(client, ref));
    if (!config) throw failure(ErrorType.ProxmoxLocked, `VM ${ref.vmid} of ${spec.machine} is not visible on ${ref.node} yet`);
    const { changes, providerID } = identityChanges(spec, config);
    if (Object.keys(changes).length === 0) return { vmid: ref.vmid, node: ref.node, providerID };
    let upid: string | null;
    try {
      // The digest makes PVE refuse the write if the config changed since we read it (a concurrent ensure): read again.
      upid = await client.post(`/nodes/${ref.node}/qemu/${ref.vmid}/config`, UpidOrNull, { ...changes, digest: config.digest });
    } catch (error) {
      if (error instanceof ProxmoxApiError && digestMismatch.test(error.reason) && attempt < 3) continue;
      throw classifyProxmoxError(error);
    }
    if (upid !== null) await expectTaskOk(client, upid, `tagging VM ${ref.vmid} for ${spec.cluster}`);
    return { vmid: ref.vmid, node: ref.node, providerID };
  }
}

const digestMismatch = /checksum mismatch|digest/i;

/** The tags and SMBIOS uuid a VM still needs, and the providerID it has (or gets). */
function identityChanges(spec: MachineVmSpec, config: LocatedVm['config']): { changes: Record<string, string>; providerID: string } {
  const changes: Record<string, string> = {};
  const tag = clusterTag(spec.cluster);
  if (!hasTag(config.tags, tag) || !hasTag(config.tags, capstanTag)) {
    changes['tags'] = normalizeTags([...(config.tags ?? '').split(/[;, ]/), capstanTag, tag]);
  }
  const providerID = providerIdOf(config.smbios1);
  if (providerID !== undefined) return { changes, providerID };
  const uuid = randomUUID();
  const rest = (config.smbios1 ?? '').split(',').filter((part) => part !== '' && !part.startsWith('uuid='));
  changes['smbios1'] = [`uuid=${uuid}`, ...rest].join(',');
  return { changes, providerID: `proxmox://${uuid}` };
}

async function findTemplate(client: ProxmoxClient, vmid: number): Promise<Template> {
  const resources = await classified(() => client.get('/cluster/resources', PveVmResources, { type: 'vm' }));
  const found = resources.find((r) => r.type === 'qemu' && r.vmid === vmid);
  if (!found) throw failure(ErrorType.ProxmoxTemplateNotFound, `template VM ${vmid} does not exist in the Proxmox cluster`);
  if (found.template !== 1) {
    throw failure(ErrorType.ProxmoxTemplateNotFound, `VM ${vmid} (${found.name ?? 'unnamed'}) is not a template`);
  }
  const config = await classified(() => client.get(`/nodes/${found.node}/qemu/${vmid}/config`, PveVmConfig));
  return { node: found.node, storage: diskStorage(config) };
}

/** The storage of a VM's boot disk (`ceph:vm-101-disk-0`): where its clone wrote. */
function diskStorage(config: LocatedVm['config']): string {
  return (config.scsi0 ?? '').split(':')[0] || 'unknown';
}

async function isFreeVmid(client: ProxmoxClient, vmid: number): Promise<boolean> {
  try {
    await client.get('/cluster/nextid', PveNextId, { vmid });
    return true;
  } catch (error) {
    if (error instanceof ProxmoxApiError && error.status === 400 && alreadyExists.test(error.message)) return false;
    throw classifyProxmoxError(error);
  }
}

/** The machine's own VM at a taken VMID, undefined for another VM's, a retry while it is cloning. */
async function holderOf(client: ProxmoxClient, vmid: number, spec: MachineVmSpec): Promise<LocatedVm | undefined> {
  const located = await locateVmid(client, vmid, undefined, spec);
  if (!located) {
    // Taken but not visible yet (cluster resources lag): look again on the next attempt.
    throw failure(ErrorType.ProxmoxLocked, `VMID ${vmid} is taken but not visible yet`);
  }
  if (located.ownership === 'cloning') throw failure(ErrorType.ProxmoxLocked, `VMID ${vmid} is still being cloned`);
  return located.ownership === 'ours' ? located : undefined;
}

/**
 * Clones and waits; undefined when the VMID turned out to be taken. Tells `submitted` once Proxmox
 * may be cloning: unless it refused the request, a clone may run whatever happens to this call.
 * Tells `stopped` once Proxmox reports the clone's task ended, whatever its outcome.
 */
async function cloneTemplate(
  client: ProxmoxClient,
  spec: MachineVmSpec,
  template: Template,
  node: string,
  vmid: number,
  submitted: (taskStops?: TaskStops) => void,
  stopped: () => void,
): Promise<VmRef | undefined> {
  let upid: string;
  try {
    upid = await client.post(`/nodes/${template.node}/qemu/${spec.templateVmid}/clone`, Upid, {
      newid: vmid,
      name: spec.machine,
      description: ownerMarker(spec),
      full: true,
      ...(node !== template.node ? { target: node } : {}),
      ...(spec.storage ? { storage: spec.storage } : {}),
    });
  } catch (error) {
    // No answer (a timeout, a dropped connection): the request may have reached Proxmox.
    if (!(error instanceof ProxmoxApiError)) submitted();
    if (error instanceof ProxmoxApiError && alreadyExists.test(error.reason)) return undefined;
    throw classifyProxmoxError(error);
  }
  submitted((withinMs) => taskStops(client, upid, withinMs));
  const outcome = await waitForTask(client, upid);
  if (outcome.ok) {
    stopped();
    return { vmid, node };
  }
  // Someone else's clone holds the VMID and may still run: that is not this slot's clone ending.
  if (alreadyExists.test(outcome.exitStatus)) return undefined;
  stopped();
  throw classifyTaskFailure(`clone of template ${spec.templateVmid} to VM ${vmid}`, outcome.exitStatus);
}
