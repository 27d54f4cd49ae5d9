import { describe, expect, it } from 'vitest';
import { capstanCrds, capstanCrdsWith } from '../../../../api/crds.ts';

const converted = [
  'clusters.cluster.x-k8s.io',
  'machinedeployments.cluster.x-k8s.io',
  'machinehealthchecks.cluster.x-k8s.io',
  'machinesets.cluster.x-k8s.io',
  'machines.cluster.x-k8s.io',
];
const webhook = { url: 'https://127.0.0.1:9443/convert', caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };

describe('CRDs serving cluster.x-k8s.io v1beta2', () => {
  it('are not what capstanCrds installs unless asked for', () => {
    expect(capstanCrdsWith({})).toBe(capstanCrds);
    for (const crd of capstanCrds) {
      // One version stored; a second only as a deprecated alias of it (no conversion), as for guides' …/v1beta1.
      const [stored, ...aliases] = crd.spec.versions;
      expect(stored?.['storage']).toBe(true);
      for (const alias of aliases)
        expect({ ...alias, name: stored?.name, storage: true, deprecated: undefined, deprecationWarning: undefined }).toEqual({
          ...stored,
          deprecated: undefined,
          deprecationWarning: undefined,
        });
      expect(crd.spec).not.toHaveProperty('conversion');
    }
  });

  it('store v1beta2, serve v1beta1 too, and send conversions to the webhook with its CA', () => {
    const crds = capstanCrdsWith({ v1beta2Webhook: webhook });
    expect(crds.map((c) => c.metadata.name)).toStrictEqual(capstanCrds.map((c) => c.metadata.name));
    for (const name of converted) {
      const crd = crds.find((c) => c.metadata.name === name);
      expect(crd?.spec.versions.map((v) => [v.name, v.served, v.storage])).toStrictEqual([
        ['v1beta2', true, true],
        ['v1beta1', true, false],
      ]);
      expect(crd?.spec.conversion).toStrictEqual({
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: { url: webhook.url, caBundle: Buffer.from(webhook.caPem).toString('base64') },
        },
      });
    }
    const others = crds.filter((c) => !converted.includes(c.metadata.name));
    expect(others).toStrictEqual(capstanCrds.filter((c) => others.some((o) => o.metadata.name === c.metadata.name)));
  });

  it('can name an in-cluster Service instead of a URL', () => {
    const crds = capstanCrdsWith({
      v1beta2Webhook: {
        service: { namespace: 'capstan-system', name: 'capstan-webhook', path: '/convert', port: 443 },
        caPem: webhook.caPem,
      },
    });
    const cluster = crds.find((c) => c.metadata.name === 'clusters.cluster.x-k8s.io');
    expect(cluster?.spec.conversion).toMatchObject({
      webhook: { clientConfig: { service: { namespace: 'capstan-system', name: 'capstan-webhook', path: '/convert', port: 443 } } },
    });
  });
});
