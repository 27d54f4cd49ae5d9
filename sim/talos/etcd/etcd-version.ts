// The etcd a Talos release runs unless the config names another image: DefaultEtcdVersion in
// pkg/machinery/constants/constants.go at each release tag (v1.10.0 … v1.13.0).
import { atLeast } from '../config/image-tag.ts';

/** etcd's own version string (`version.Version`, no `v`) for the node's Talos version. */
export function etcdVersionOf(talosVersion: string): string {
  if (atLeast(talosVersion, 1, 13)) return '3.6.9';
  if (atLeast(talosVersion, 1, 12)) return '3.6.7';
  if (atLeast(talosVersion, 1, 11)) return '3.6.4';
  return '3.5.21';
}

/**
 * The storage version EtcdStatus reports: etcd ≥ 3.6 fills it (`<major>.<minor>.0`); for 3.5
 * machined derives the same string from the server version.
 */
export function storageVersionOf(etcdVersion: string): string {
  const [major = '3', minor = '5'] = etcdVersion.split('.');
  return `${major}.${minor}.0`;
}
