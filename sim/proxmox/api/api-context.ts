import type { SimContext } from '../core/context.ts';
import type { ParamShape } from '../http/params.ts';
import { defineRoute } from '../http/router.ts';
import type { Route, RouteSpec } from '../http/router.ts';

/** What an API handler gets besides its parameters. */
export interface ApiContext {
  readonly sim: SimContext;
  /** The authenticated token id, as it appears in UPIDs (`user@realm!name`). */
  readonly user: string;
}

/** Defines an API route; fixes the context type so handlers are typed inside `map` too. */
export function apiRoute<S extends ParamShape>(spec: RouteSpec<S, ApiContext>): Route<ApiContext> {
  return defineRoute(spec);
}
