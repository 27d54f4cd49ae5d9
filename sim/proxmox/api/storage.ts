// GET /nodes/{node}/storage and /nodes/{node}/storage/{storage}/status.
import { requireNode, requireStorage } from '../core/vm-lookup.ts';
import { bool, optional, str } from '../http/params.ts';
import { nodeParam, storageIdError, storageParam } from '../http/pve-formats.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';
import { storageEntry } from './storage-view.ts';

/** Storage routes. */
export const storageRoutes: Route<ApiContext>[] = [
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/storage',
    params: {
      node: nodeParam,
      content: optional(str()),
      storage: optional(str({ format: storageIdError })),
      enabled: optional(bool()),
      format: optional(bool()),
      target: optional(str()),
    },
    handle: ({ sim }, params) => {
      const node = requireNode(sim, params.node);
      const wanted = params.content?.split(',');
      return sim.state.storages
        .filter((s) => params.storage === undefined || s.name === params.storage)
        .filter((s) => wanted === undefined || wanted.some((c) => s.content.includes(c)))
        .map((s) => storageEntry(sim, s, node));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/status',
    params: { node: nodeParam, storage: storageParam },
    handle: ({ sim }, params) => {
      const node = requireNode(sim, params.node);
      return { ...storageEntry(sim, requireStorage(sim, params.storage), node), storage: undefined };
    },
  }),
];
