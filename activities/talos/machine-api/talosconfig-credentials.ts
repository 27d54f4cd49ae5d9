import YAML from 'yaml';
import { z } from 'zod';
import { base64ToPem } from '../pem.ts';
import type { TalosCredentials } from './credentials.ts';

const TalosconfigFile = z.object({
  context: z.string().min(1),
  contexts: z.record(
    z.string(),
    z.object({
      endpoints: z.array(z.string()).default([]),
      nodes: z.array(z.string()).default([]),
      ca: z.string().min(1),
      crt: z.string().min(1),
      key: z.string().min(1),
    }),
  ),
});

/** The current context of a talosconfig, with its certificates decoded to PEM. */
export interface TalosconfigContext {
  readonly name: string;
  readonly endpoints: readonly string[];
  readonly nodes: readonly string[];
  readonly credentials: Extract<TalosCredentials, { kind: 'mtls' }>;
}

/** Reads a talosconfig (Talos' pkg/machinery/client/config format); throws a plain Error when malformed. */
export function parseTalosconfig(text: string): TalosconfigContext {
  const parsed = TalosconfigFile.safeParse(YAML.parse(text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`talosconfig is malformed: ${problems.join('; ')}`);
  }
  const name = parsed.data.context;
  const context = parsed.data.contexts[name];
  if (!context) throw new Error(`talosconfig has no context "${name}"`);
  const pem = (field: 'ca' | 'crt' | 'key'): string => {
    try {
      return base64ToPem(context[field]);
    } catch (error) {
      throw new Error(`talosconfig context "${name}" field ${field}: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    name,
    endpoints: context.endpoints,
    nodes: context.nodes,
    credentials: { kind: 'mtls', caPem: pem('ca'), certPem: pem('crt'), keyPem: pem('key') },
  };
}
