// Talos RBAC: roles come from the client certificate's Organization values; each method lists
// the roles that may call it (pkg/machinery/role and machined's authorization rules).
import { organizationsOf } from '../pki/issue-certificate.ts';

const admin = 'os:admin';
const operator = 'os:operator';
const reader = 'os:reader';
const etcdBackup = 'os:etcd:backup';

const readers = [admin, operator, reader] as const;
// The etcd reads a backup job may make (machined.go: EtcdMemberList, EtcdStatus, EtcdAlarmList).
const etcdReaders = [admin, operator, reader, etcdBackup] as const;

/** The roles allowed to call each MachineService method the simulator serves. */
export const methodRoles: Readonly<Record<string, readonly string[]>> = {
  ApplyConfiguration: [admin],
  Bootstrap: [admin],
  EtcdForfeitLeadership: [admin],
  EtcdLeaveCluster: [admin],
  EtcdMemberList: etcdReaders,
  EtcdRecover: [admin],
  EtcdRemoveMemberByID: [admin],
  EtcdSnapshot: [admin, operator, etcdBackup],
  EtcdStatus: etcdReaders,
  Hostname: readers,
  Kubeconfig: [admin],
  Reboot: [admin, operator],
  Reset: [admin],
  ServiceList: readers,
  Shutdown: [admin, operator],
  Upgrade: [admin],
  Version: readers,
};

/** Roles of a verified client certificate (DER); unknown Organization values are kept and ignored. */
export function rolesOf(certificateDer: Buffer | undefined): ReadonlySet<string> {
  return new Set(certificateDer === undefined ? [] : organizationsOf(certificateDer));
}

/** Whether any of the caller's roles may call the method. */
export function allowed(method: string, roles: ReadonlySet<string>): boolean {
  return (methodRoles[method] ?? [admin]).some((role) => roles.has(role));
}
