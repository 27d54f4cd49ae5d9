import type { z } from 'zod';
import type { ObjectMeta } from '../meta.ts';
import { ConversionError } from './conversion-error.ts';

/**
 * CAPI's annotation for what one version of an object holds and the other cannot: written on the
 * converted object, read and removed when it is converted back. The same key CAPI's webhooks use.
 */
export const conversionDataAnnotation = 'cluster.x-k8s.io/conversion-data';

const field = `metadata.annotations[${conversionDataAnnotation}]`;

/**
 * What the object's annotation kept of the other version (validated by `schema`), and the
 * metadata without it. No annotation: nothing was kept.
 */
export function takeConversionData<T>(metadata: ObjectMeta, schema: z.ZodType<T>): { kept: T | undefined; metadata: ObjectMeta } {
  const text = metadata.annotations?.[conversionDataAnnotation];
  if (text === undefined) return { kept: undefined, metadata };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConversionError(field, 'is not JSON; remove the annotation or restore what the conversion wrote');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConversionError(
      `${field} ${issue?.path.join('.') ?? ''}`.trim(),
      issue?.message ?? 'does not hold what the conversion wrote',
    );
  }
  return { kept: parsed.data, metadata: withAnnotations(metadata, withoutData(metadata.annotations)) };
}

/** The metadata with `kept` written to the annotation, or without the annotation when nothing is kept. */
export function putConversionData(metadata: ObjectMeta, kept: object | undefined): ObjectMeta {
  const others = withoutData(metadata.annotations);
  return withAnnotations(metadata, kept === undefined ? others : { ...others, [conversionDataAnnotation]: JSON.stringify(kept) });
}

// Drops `annotations` rather than leave `{}` where the object had none.
function withAnnotations(metadata: ObjectMeta, annotations: Record<string, string>): ObjectMeta {
  const rest = { ...metadata };
  delete rest.annotations;
  return Object.keys(annotations).length === 0 ? rest : { ...rest, annotations };
}

function withoutData(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([key]) => key !== conversionDataAnnotation));
}
