// GET /version: what CAPMOX calls once when its client starts.
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

/** The version the simulator claims to be. */
export const simulatedPveVersion = { version: '9.0.3', release: '9.0', repoid: '025864202ebb6109' } as const;

/** GET /version. */
export const versionRoutes: Route<ApiContext>[] = [
  apiRoute({ method: 'GET', path: '/version', params: {}, handle: () => ({ ...simulatedPveVersion }) }),
];
