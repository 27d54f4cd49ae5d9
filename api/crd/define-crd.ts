import { z } from 'zod';

/** A printer column of `kubectl get` (priority 1 and above show only with `-o wide`). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** The scale subresource, so `kubectl scale` works on the kind as it does in CAPI. */
export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

/** What a custom resource kind is, besides its schema. */
export interface CrdNames {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames?: readonly string[];
  /** `kubectl get <category>` lists every kind of it (CAPI's kinds are all in `cluster-api`). */
  readonly categories?: readonly string[];
  readonly scope?: 'Namespaced' | 'Cluster';
  readonly printerColumns?: readonly PrinterColumn[];
  readonly scale?: ScaleSubresource;
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
        ...(names.categories ? { categories: names.categories } : {}),
      },
      versions: [crdVersion({ name: names.version, schema, printerColumns: names.printerColumns, scale: names.scale }, true)],
    },
  };
}

/** One more version of a kind: its schema, and its own printer columns where its fields moved. */
export interface CrdVersionDefinition {
  readonly name: string;
  readonly schema: z.ZodObject;
  readonly printerColumns?: readonly PrinterColumn[];
  readonly scale?: ScaleSubresource;
}

/**
 * Where the API server reaches the conversion webhook: a URL, or a Service in the cluster. Without
 * `caPem` the CRD has no caBundle: the controller injects its own CA once it runs (the install manifests).
 */
export type ConversionWebhookClient =
  | { readonly url: string; readonly caPem?: string }
  | {
      readonly service: { readonly namespace: string; readonly name: string; readonly path?: string; readonly port?: number };
      readonly caPem?: string;
    };

/**
 * The CRD with `storage` added as the version the API server stores, the CRD's own version still
 * served, and every conversion between them sent to the webhook (CAPI's arrangement since v1.11).
 */
export function withConversionWebhook(crd: CrdManifest, storage: CrdVersionDefinition, webhook: ConversionWebhookClient): CrdManifest {
  if (crd.spec.versions.some((v) => v.name === storage.name)) {
    throw new Error(`${crd.metadata.name} already has a version ${storage.name}`);
  }
  const ca = webhook.caPem === undefined ? {} : { caBundle: Buffer.from(webhook.caPem, 'utf8').toString('base64') };
  const clientConfig = 'url' in webhook ? { url: webhook.url, ...ca } : { service: webhook.service, ...ca };
  return {
    ...crd,
    spec: {
      ...crd.spec,
      versions: [crdVersion(storage, true), ...crd.spec.versions.map((v) => ({ ...v, storage: false }))],
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } },
    },
  };
}

function crdVersion(version: CrdVersionDefinition, storage: boolean): { readonly name: string } & Record<string, unknown> {
  const openApi = z.toJSONSchema(version.schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
  return {
    name: version.name,
    served: true,
    storage,
    subresources: { status: {}, ...(version.scale ? { scale: version.scale } : {}) },
    schema: { openAPIV3Schema: structural(openApi) },
    ...(version.printerColumns ? { additionalPrinterColumns: version.printerColumns } : {}),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// A zod union of an integer and a string (CAPI's IntOrString: `maxSurge: 1` or `25%`).
function isIntOrString(node: Record<string, unknown>): boolean {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return false;
  const types = branches.map((b) => (isRecord(b) ? b.type : undefined)).sort();
  return types[0] === 'integer' && types[1] === 'string';
}

// Keys whose values are schemas; every other key (enum, default, required, x-kubernetes-*) is data.
const schemaKeys = new Set(['items', 'additionalProperties', 'not']);
const schemaListKeys = new Set(['anyOf', 'allOf', 'oneOf']);
// Formats zod writes beside the `pattern` that already enforces them; the API server knows none of
// them and warns on every apply of the CRD ("unrecognized format").
const zodOnlyFormats = new Set(['starts_with', 'ends_with', 'includes']);

// Kubernetes' structural schemas forbid `additionalProperties: false` and JSON-Schema keywords,
// give every node a type, and have their own markers for the two shapes zod writes as type-less
// nodes: any JSON value (z.unknown, z.looseObject's extra fields) and int-or-string unions.
function structural(node: unknown): unknown {
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'id' || (key === 'additionalProperties' && value === false)) continue;
    if (key === 'format' && typeof value === 'string' && zodOnlyFormats.has(value)) continue;
    if (key === 'additionalProperties' && isRecord(value) && Object.keys(value).length === 0) {
      out['x-kubernetes-preserve-unknown-fields'] = true;
    } else if (key === 'properties' && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, structural(schema)]));
    } else if (schemaKeys.has(key)) {
      out[key] = structural(value);
    } else if (schemaListKeys.has(key) && Array.isArray(value)) {
      out[key] = value.map(structural);
    } else {
      out[key] = value;
    }
  }
  if (isIntOrString(node)) {
    // The only union a structural schema allows: two bare branches and the marker.
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    out['x-kubernetes-int-or-string'] = true;
  } else if (out.type === undefined && out.anyOf === undefined) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}
