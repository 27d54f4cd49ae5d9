import { z } from 'zod';
import { ConversionError } from './conversion-error.ts';
import { convertObject } from './convert.ts';

/** apiextensions.k8s.io/v1 ConversionReview as the API server sends it to a conversion webhook. */
export const ConversionReviewRequest = z.object({
  apiVersion: z.literal('apiextensions.k8s.io/v1'),
  kind: z.literal('ConversionReview'),
  request: z.object({
    uid: z.string().min(1),
    desiredAPIVersion: z.string().min(1),
    objects: z.array(z.unknown()),
  }),
});
export type ConversionReviewRequest = z.infer<typeof ConversionReviewRequest>;

/** The review sent back: every object converted, or none and a Failure whose message the client sees. */
export interface ConversionReviewResponse {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'ConversionReview';
  readonly response: {
    readonly uid: string;
    readonly result: { readonly status: 'Success' } | { readonly status: 'Failure'; readonly message: string };
    readonly convertedObjects: readonly unknown[];
  };
}

/** What the webhook answers over HTTP: 200 with a review, or 400 for a body that is not a ConversionReview. */
export type ConversionAnswer =
  { readonly code: 200; readonly body: ConversionReviewResponse } | { readonly code: 400; readonly message: string };

/**
 * Converts a ConversionReview's objects. One object that cannot be converted fails the whole
 * review (the API server accepts all or nothing), with a message naming the object and the field.
 */
export function answerConversionReview(body: unknown): ConversionAnswer {
  const parsed = ConversionReviewRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      code: 400,
      message: `not an apiextensions.k8s.io/v1 ConversionReview: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    };
  }
  const { uid, desiredAPIVersion, objects } = parsed.data.request;
  const review = (result: ConversionReviewResponse['response']['result'], convertedObjects: readonly unknown[]): ConversionAnswer => ({
    code: 200,
    body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, result, convertedObjects } },
  });
  const converted: unknown[] = [];
  for (const object of objects) {
    try {
      converted.push(convertObject(object, desiredAPIVersion));
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      return review({ status: 'Failure', message: `cannot convert ${describe(object)} to ${desiredAPIVersion}: ${error.message}` }, []);
    }
  }
  return review({ status: 'Success' }, converted);
}

// `Cluster default/demo (cluster.x-k8s.io/v1beta1)`, from whatever the object has of it.
function describe(object: unknown): string {
  const { apiVersion, kind, metadata } = (typeof object === 'object' && object !== null ? object : {}) as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  const name = [metadata?.namespace, metadata?.name].filter((part) => typeof part === 'string').join('/');
  return `${typeof kind === 'string' ? kind : 'object'} ${name || '(unnamed)'} (${typeof apiVersion === 'string' ? apiVersion : 'no apiVersion'})`;
}
