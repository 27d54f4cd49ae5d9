// The API methods the simulator serves. Anything else answers 501 `Method '…' not implemented`.
import type { Route } from '../http/router.ts';
import type { ApiContext } from './api-context.ts';
import { clusterRoutes } from './cluster.ts';
import { nodeRoutes } from './nodes.ts';
import { qemuAgentRoutes } from './qemu-agent.ts';
import { qemuCloneRoutes } from './qemu-clone.ts';
import { qemuConfigRoutes } from './qemu-config.ts';
import { qemuDestroyRoutes } from './qemu-destroy.ts';
import { qemuMigrateRoutes } from './qemu-migrate.ts';
import { qemuPowerRoutes } from './qemu-power.ts';
import { qemuResizeRoutes } from './qemu-resize.ts';
import { qemuStatusRoutes } from './qemu-status.ts';
import { storageRoutes } from './storage.ts';
import { taskRoutes } from './tasks.ts';
import { versionRoutes } from './version.ts';

/** Every served route. */
export const apiRoutes: readonly Route<ApiContext>[] = [
  ...versionRoutes,
  ...nodeRoutes,
  ...clusterRoutes,
  ...storageRoutes,
  ...qemuStatusRoutes,
  ...qemuConfigRoutes,
  ...qemuCloneRoutes,
  ...qemuResizeRoutes,
  ...qemuPowerRoutes,
  ...qemuAgentRoutes,
  ...qemuDestroyRoutes,
  ...qemuMigrateRoutes,
  ...taskRoutes,
];
