import { ErrorType } from '../../api/errors.ts';
import type { MachineVmSpec, VmRef } from '../../api/proxmox.ts';
import { failure } from '../failure.ts';
import { classified, classifyProxmoxError, classifyTaskFailure } from './classify-error.ts';
import type { CloneLimiter } from './clone-limiter.ts';
import { findMachineVm, locateVmid } from './locate-vm.ts';
import { ProxmoxApiError } from './proxmox-api-error.ts';
import type { ProxmoxClient } from './proxmox-client.ts';
import { PveNextId, PveVmConfig, PveVmResources, Upid } from './pve-schemas.ts';
import { ownerMarker, vmidCandidates } from './vm-identity.ts';
import { waitForTask } from './wait-for-task.ts';

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
export async function ensureVm(client: ProxmoxClient, limiter: CloneLimiter, spec: MachineVmSpec, node: string): Promise<VmRef> {
  const existing = await findMachineVm(client, spec);
  if (existing) return { vmid: existing.vmid, node: existing.node };
  const template = await findTemplate(client, spec.templateVmid);
  for (const vmid of vmidCandidates(spec, spec.vmIdRange)) {
    if (!(await isFreeVmid(client, vmid))) {
      const holder = await holderOf(client, vmid, spec);
      if (holder) return holder;
      continue;
    }
    const cloned = await limiter.run(spec.storage ?? template.storage, () => cloneTemplate(client, spec, template, node, vmid));
    if (cloned) return cloned;
    // Someone took the VMID between our check and our clone: look at who, like any taken VMID.
    const holder = await holderOf(client, vmid, spec);
    if (holder) return holder;
  }
  throw failure(ErrorType.ProxmoxNoCapacity, `no free VMID for ${spec.machine} in ${spec.vmIdRange.start}-${spec.vmIdRange.end}`);
}

async function findTemplate(client: ProxmoxClient, vmid: number): Promise<Template> {
  const resources = await classified(() => client.get('/cluster/resources', PveVmResources, { type: 'vm' }));
  const found = resources.find((r) => r.type === 'qemu' && r.vmid === vmid);
  if (!found) throw failure(ErrorType.ProxmoxTemplateNotFound, `template VM ${vmid} does not exist in the Proxmox cluster`);
  if (found.template !== 1) {
    throw failure(ErrorType.ProxmoxTemplateNotFound, `VM ${vmid} (${found.name ?? 'unnamed'}) is not a template`);
  }
  const config = await classified(() => client.get(`/nodes/${found.node}/qemu/${vmid}/config`, PveVmConfig));
  const bootDisk = config.scsi0 ?? '';
  return { node: found.node, storage: bootDisk.split(':')[0] || 'unknown' };
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
async function holderOf(client: ProxmoxClient, vmid: number, spec: MachineVmSpec): Promise<VmRef | undefined> {
  const located = await locateVmid(client, vmid, undefined, spec);
  if (!located) {
    // Taken but not visible yet (cluster resources lag): look again on the next attempt.
    throw failure(ErrorType.ProxmoxLocked, `VMID ${vmid} is taken but not visible yet`);
  }
  if (located.ownership === 'cloning') throw failure(ErrorType.ProxmoxLocked, `VMID ${vmid} is still being cloned`);
  return located.ownership === 'ours' ? { vmid, node: located.node } : undefined;
}

/** Clones and waits; undefined when the VMID turned out to be taken. */
async function cloneTemplate(
  client: ProxmoxClient,
  spec: MachineVmSpec,
  template: Template,
  node: string,
  vmid: number,
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
    if (error instanceof ProxmoxApiError && alreadyExists.test(error.reason)) return undefined;
    throw classifyProxmoxError(error);
  }
  const outcome = await waitForTask(client, upid);
  if (outcome.ok) return { vmid, node };
  if (alreadyExists.test(outcome.exitStatus)) return undefined;
  throw classifyTaskFailure(`clone of template ${spec.templateVmid} to VM ${vmid}`, outcome.exitStatus);
}
