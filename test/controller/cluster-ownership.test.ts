import { describe, expect, it } from 'vitest';
import { clusterOwnerReference, missingOwnerReference } from '../../client/controller/cluster-ownership.ts';
import type { OwnerReference, RawObject } from '../../client/controller/raw-object.ts';

const cluster: RawObject = { metadata: { name: 'demo', namespace: 'default', uid: 'uid-2' } };
const plain: OwnerReference = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', name: 'demo', uid: 'uid-2' };
const controller: OwnerReference = { ...plain, controller: true, blockOwnerDeletion: true };
const owned = (...ownerReferences: OwnerReference[]): RawObject => ({ metadata: { name: 'x', ownerReferences } });

describe('clusterOwnerReference', () => {
  it("is CAPI's reference: a controller with blockOwnerDeletion, or a plain owner", () => {
    expect(clusterOwnerReference(cluster, true)).toEqual(controller);
    expect(clusterOwnerReference(cluster, false)).toEqual(plain);
  });

  it('needs a uid: a Cluster not yet stored owns nothing', () => {
    expect(clusterOwnerReference({ metadata: { name: 'demo' } }, true)).toBeUndefined();
  });
});

describe('missingOwnerReference', () => {
  const earlier = { ...controller, uid: 'uid-1' };
  const otherCluster = { ...controller, name: 'prod', uid: 'uid-9' };
  it.each<[string, RawObject, OwnerReference, OwnerReference | undefined]>([
    ['none yet: add it', owned(), controller, controller],
    ['there already', owned(controller), controller, undefined],
    ['a plain owner there, the controller wanted', owned(plain), controller, controller],
    ['the Cluster made anew (same name, new uid): replace the earlier one', owned(earlier), controller, controller],
    ['another Cluster controls it: never a second controller', owned(otherCluster), controller, undefined],
    ['another Cluster controls it: a plain owner may join', owned(otherCluster), plain, plain],
  ])('%s', (_what, object, owner, expected) => {
    expect(missingOwnerReference(object, owner)).toEqual(expected);
  });
});
