/** apid's port on every Talos node. */
export const apidPort = 50000;

/**
 * The gRPC target of a node address: `ip`, `host`, `[v6]` or any of them with a port, as
 * talosconfig endpoints are written. Port 50000 is added when absent.
 */
export function apidEndpoint(address: string): string {
  const trimmed = address.trim();
  if (trimmed === '') throw new Error('empty Talos endpoint');
  if (trimmed.startsWith('[')) return trimmed.includes(']:') ? trimmed : `${trimmed}:${apidPort}`;
  const colons = trimmed.split(':').length - 1;
  if (colons === 0) return `${trimmed}:${apidPort}`;
  // A bare IPv6 address has several colons and no brackets.
  if (colons > 1) return `[${trimmed}]:${apidPort}`;
  return trimmed;
}
