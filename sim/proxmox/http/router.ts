// Path-template routing in the style of PVE::RESTHandler::find_handler: `{name}` segments
// capture anything and are validated afterwards with the method's own schema.
import type { z } from 'zod';
import type { JsonValue } from './json-value.ts';
import { paramError } from './pve-error.ts';
import { validateParams } from './params.ts';
import type { ParamShape, RawParams } from './params.ts';

/** The four methods pveproxy knows; anything else is refused before routing. */
export const HttpMethod = { GET: 'GET', POST: 'POST', PUT: 'PUT', DELETE: 'DELETE' } as const;
/** One of {@link HttpMethod}. */
export type HttpMethod = (typeof HttpMethod)[keyof typeof HttpMethod];

/** A list result that also reports `total` next to `data` (task logs, task lists). */
export class Paged {
  constructor(
    readonly data: JsonValue,
    readonly total: number,
  ) {}
}

/** What a handler may return. */
export type HandlerResult = JsonValue | Paged;

/** One API method: verb, path template, parameter schema (path params included) and handler. */
export interface RouteSpec<S extends ParamShape, C> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params: S;
  handle(context: C, params: z.output<z.ZodObject<S>>): HandlerResult | Promise<HandlerResult>;
}

/** A route with its parameter types erased, ready for the table. */
export interface Route<C> {
  readonly method: HttpMethod;
  readonly segments: readonly string[];
  run(context: C, raw: RawParams): Promise<HandlerResult>;
}

/** Captures a route's parameter types once, so the table can hold routes of any shape. */
export function defineRoute<S extends ParamShape, C>(spec: RouteSpec<S, C>): Route<C> {
  return {
    method: spec.method,
    segments: spec.path.split('/').filter((s) => s !== ''),
    run: async (context, raw) => spec.handle(context, validateParams(spec.params, raw)),
  };
}

/** A matched route and the parameters taken from its path. */
export interface RouteMatch<C> {
  readonly route: Route<C>;
  readonly pathParams: Readonly<Record<string, string>>;
}

/** Finds the route for a method and a path relative to `/api2/json`. */
export function matchRoute<C>(routes: readonly Route<C>[], method: string, relPath: string): RouteMatch<C> | undefined {
  const parts = relPath.split('/').filter((s) => s !== '');
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const pathParams: Record<string, string> = {};
    const matches = route.segments.every((segment, i) => {
      const part = parts[i] ?? '';
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name === undefined) return segment === part;
      pathParams[name] = part;
      return true;
    });
    if (matches) return { route, pathParams };
  }
  return undefined;
}

/** Merges request parameters into the path parameters the way rest_handler does. */
export function mergeParams(pathParams: Readonly<Record<string, string>>, requestParams: RawParams): RawParams {
  const merged: Record<string, string> = { ...pathParams };
  for (const [key, value] of Object.entries(requestParams)) {
    const fromPath = pathParams[key];
    if (fromPath !== undefined && fromPath !== value) {
      throw paramError({ [key]: 'duplicate parameter (already defined in URI) with conflicting values!' });
    }
    merged[key] = value;
  }
  return merged;
}
