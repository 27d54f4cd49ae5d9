import { z } from 'zod';

/** A printer column of `kubectl get`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly priority?: number;
}

/** What a custom resource kind is, besides its schema. */
export interface CrdNames {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames?: readonly string[];
  readonly scope?: 'Namespaced' | 'Cluster';
  readonly printerColumns?: readonly PrinterColumn[];
}

/** A CustomResourceDefinition as plain JSON, ready for server-side apply. */
export interface CrdManifest {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string; readonly plural: string } & Record<string, unknown>;
    readonly versions: ReadonlyArray<{ readonly name: string } & Record<string, unknown>>;
  } & Record<string, unknown>;
}

/**
 * Builds a CRD whose OpenAPI schema comes from the zod schema of the object's `spec`/`status`,
 * so validation at apply time and in TypeScript cannot drift apart.
 */
export function defineCrd(names: CrdNames, schema: z.ZodObject): CrdManifest {
  const openApi = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${names.group}` },
    spec: {
      group: names.group,
      scope: names.scope ?? 'Namespaced',
      names: {
        kind: names.kind,
        listKind: `${names.kind}List`,
        plural: names.plural,
        singular: names.singular,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      },
      versions: [
        {
          name: names.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: structural(openApi) },
          ...(names.printerColumns ? { additionalPrinterColumns: names.printerColumns } : {}),
        },
      ],
    },
  };
}

// Kubernetes' structural schemas forbid `additionalProperties: false` and JSON-Schema keywords.
function structural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structural);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'id' || (key === 'additionalProperties' && value === false)) continue;
    out[key] = structural(value);
  }
  return out;
}
