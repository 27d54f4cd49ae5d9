import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConversionWebhook, type ConversionWebhook } from '../../client/controller/conversion-webhook-server.ts';
import { createServingCertificate, type ServingCertificate } from '../../runtime/serving-certificate.ts';
import { machineDeploymentV1Beta2 } from '../api/capi/conversion/objects.ts';

let tls: ServingCertificate;
let webhook: ConversionWebhook;

beforeAll(async () => {
  tls = await createServingCertificate({ label: 'conversion-webhook', ipAddresses: ['127.0.0.1'], validDays: 1 });
  webhook = await startConversionWebhook({ host: '127.0.0.1', port: 0, tls });
});
afterAll(async () => {
  await webhook.close();
});

interface Reply {
  readonly code: number;
  readonly body: string;
}

/** One HTTPS call trusting only `caPem`, as the API server trusts the CRD's caBundle. */
function call(method: string, path: string, body: string | undefined, caPem: string): Promise<Reply> {
  const url = new URL(path, webhook.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: caPem, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
      });
      res.on('end', () => {
        resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const review = JSON.stringify({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  request: { uid: 'u-1', desiredAPIVersion: 'cluster.x-k8s.io/v1beta1', objects: [machineDeploymentV1Beta2()] },
});

describe('the conversion webhook server', () => {
  it('listens on 127.0.0.1 and names its /convert URL', () => {
    expect(webhook.url).toBe(`https://127.0.0.1:${webhook.port}/convert`);
  });

  it('answers a ConversionReview over TLS with the converted objects', async () => {
    const reply = await call('POST', '/convert', review, tls.caPem);
    expect(reply.code).toBe(200);
    const answer = JSON.parse(reply.body) as {
      response: { uid: string; result: { status: string }; convertedObjects: { apiVersion: string }[] };
    };
    expect(answer.response.uid).toBe('u-1');
    expect(answer.response.result.status).toBe('Success');
    expect(answer.response.convertedObjects.map((o) => o.apiVersion)).toStrictEqual(['cluster.x-k8s.io/v1beta1']);
  });

  it('refuses other paths, other methods and bodies that are not JSON, saying what it expects', async () => {
    expect(await call('POST', '/mutate', review, tls.caPem)).toStrictEqual({
      code: 404,
      body: 'no /mutate here: the conversion webhook answers on /convert\n',
    });
    expect(await call('GET', '/convert', undefined, tls.caPem)).toStrictEqual({ code: 405, body: '/convert takes POST, not GET\n' });
    expect((await call('POST', '/convert', '{', tls.caPem)).code).toBe(400);
  });

  it('is trusted only by a client holding its CA', async () => {
    const other = await createServingCertificate({ label: 'someone else', ipAddresses: ['127.0.0.1'], validDays: 1 });
    await expect(call('POST', '/convert', review, other.caPem)).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });
});
