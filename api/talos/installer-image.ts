/** The Talos installer image Talos publishes for a release, without system extensions. */
export const defaultInstallerRepository = 'ghcr.io/siderolabs/installer';

/** Image Factory host whose installer images carry a schematic (extensions, kernel args). */
export const imageFactoryHost = 'factory.talos.dev';

/**
 * The installer image for a Talos version: the plain ghcr.io image, or the Image Factory image of
 * a schematic (`factory.talos.dev/installer/<schematic>:<version>`), as Omni and CAPI users pass.
 */
export function talosInstallerImage(talosVersion: string, schematicId?: string): string {
  const tag = talosVersion.startsWith('v') ? talosVersion : `v${talosVersion}`;
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(tag)) {
    throw new Error(`Talos version ${JSON.stringify(talosVersion)} is not vX.Y.Z`);
  }
  if (schematicId === undefined) return `${defaultInstallerRepository}:${tag}`;
  if (!/^[0-9a-f]{64}$/.test(schematicId)) {
    throw new Error(`schematic ID ${JSON.stringify(schematicId)} is not 64 lowercase hex digits`);
  }
  return `${imageFactoryHost}/installer/${schematicId}:${tag}`;
}
