import { capiCrds } from './capi/crds.ts';
import type { CrdManifest } from './crd/define-crd.ts';
import { ipamCrds } from './ipam.ts';

/** Every CRD a management cluster needs for Capstan: what `npm run generate:crds` writes to config/crd/. */
export const capstanCrds: readonly CrdManifest[] = [...capiCrds, ...ipamCrds];
