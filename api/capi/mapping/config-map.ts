import { z } from 'zod';
import { ObjectEnvelope } from '../meta.ts';

/** The part of a ConfigMap the mapping reads (a version catalog). */
export const ConfigMap = z.object({ ...ObjectEnvelope, data: z.record(z.string(), z.string()).optional() });
export type ConfigMap = z.infer<typeof ConfigMap>;
