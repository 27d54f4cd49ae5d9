// API-token authentication as PVE::APIServer::Formatter::extract_auth_value and
// PVE::AccessControl::verify_token accept it.
import { timingSafeEqual } from 'node:crypto';
import { transportError } from './pve-error.ts';
import type { PveError } from './pve-error.ts';

/** An API token the simulated cluster accepts. */
export interface ApiToken {
  readonly id: string;
  readonly secret: string;
}

/** Either the authenticated token id (`user@realm!name`) or the 401 to answer with. */
export type AuthResult = { ok: true; tokenId: string } | { ok: false; error: PveError };

/** Checks the Authorization header; the caller delays failures like pveproxy does. */
export function authenticate(header: string | undefined, tokens: readonly ApiToken[]): AuthResult {
  // PVE matches the token name followed by '=' or whitespace.
  const value = header === undefined ? undefined : /(?:^|\s)PVEAPIToken(?:=|\s+)(\S+)$/.exec(header.trim())?.[1];
  if (value === undefined) return { ok: false, error: transportError(401, 'No ticket') };
  const at = value.indexOf('=');
  const id = at < 0 ? value : value.slice(0, at);
  const secret = at < 0 ? '' : value.slice(at + 1);
  const token = tokens.find((candidate) => candidate.id === id);
  if (token !== undefined && sameSecret(token.secret, secret)) return { ok: true, tokenId: token.id };
  return { ok: false, error: transportError(401, 'Authentication failed!') };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
