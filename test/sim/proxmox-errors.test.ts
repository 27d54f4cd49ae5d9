// Error shapes on the wire, checked with a raw HTTP client: reason phrases, bodies, status
// codes and the request-framing rules of pveproxy (reference §1–§3, §5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxSim } from '../../sim/proxmox/index.ts';
import { dataOf, postForm, rawRequest, startTestSim } from './proxmox-helpers.ts';

let sim: ProxmoxSim;

beforeAll(async () => {
  // 401s are delayed 3 s on real PVE: 30 ms here.
  sim = await startTestSim({ scale: 0.01, timing: { authFailureDelay: 3000 } });
});
afterAll(async () => {
  await sim.stop();
});

describe('authentication', () => {
  it('answers a request without credentials with a delayed, bodyless 401 "No ticket"', async () => {
    const started = Date.now();
    const response = await rawRequest(sim, 'GET', '/version', { auth: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(response).toMatchObject({ status: 401, reason: 'No ticket', body: '' });
    expect(response.headers['content-type']).toBeUndefined();
  });

  it('answers a wrong secret with 401 "Authentication failed!"', async () => {
    const response = await rawRequest(sim, 'GET', '/version', { auth: `PVEAPIToken=${sim.token.id}=00000000-0000-0000-0000-000000000000` });
    expect(response).toMatchObject({ status: 401, reason: 'Authentication failed!' });
  });

  it('accepts the token with "=" or a space after PVEAPIToken', async () => {
    for (const auth of [`PVEAPIToken=${sim.token.id}=${sim.token.secret}`, `PVEAPIToken ${sim.token.id}=${sim.token.secret}`]) {
      expect((await rawRequest(sim, 'GET', '/version', { auth })).status).toBe(200);
    }
  });
});

describe('response envelope', () => {
  it('sends exactly application/json;charset=UTF-8 with {"data": ...}', async () => {
    const response = await rawRequest(sim, 'GET', '/version');
    expect(response.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(response.json).toEqual({ data: { version: '9.0.3', release: '9.0', repoid: '025864202ebb6109' } });
  });

  it('puts a 500 error text in the reason phrase and in `message` with its newline', async () => {
    const response = await rawRequest(sim, 'GET', '/nodes/pve2/qemu/9000/config');
    expect(response).toMatchObject({ status: 500, reason: "Configuration file 'nodes/pve2/qemu-server/9000.conf' does not exist" });
    expect(response.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(response.json).toEqual({ data: null, message: "Configuration file 'nodes/pve2/qemu-server/9000.conf' does not exist\n" });
  });

  it('answers an unknown node like pveproxy failing to resolve it', async () => {
    const response = await rawRequest(sim, 'GET', '/nodes/pve9/status');
    expect(response.status).toBe(500);
    expect(response.reason).toBe("hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known");
  });
});

describe('parameter verification (400)', () => {
  it('refuses an unknown parameter with an errors map', async () => {
    const response = await rawRequest(sim, 'GET', '/nodes/pve1/qemu/9000/config?foo=1');
    expect(response).toMatchObject({ status: 400, reason: 'Parameter verification failed.' });
    expect(response.json).toEqual({
      data: null,
      errors: { foo: 'property is not defined in schema and the schema does not allow additional properties' },
      message: 'Parameter verification failed.\n',
    });
  });

  it('names missing, mistyped and out-of-enum parameters in PVE words', async () => {
    const missing = await postForm(sim, '/nodes/pve1/qemu/9000/clone', { name: 'x' });
    expect(dataOf(missing)).toBeNull();
    expect((missing.json as { errors: object }).errors).toEqual({ newid: 'property is missing and it is not optional' });

    const mistyped = await rawRequest(sim, 'GET', '/nodes/pve1/qemu/abc/config');
    expect((mistyped.json as { errors: object }).errors).toEqual({ vmid: "type check ('integer') failed - got 'abc'" });

    const small = await rawRequest(sim, 'GET', '/cluster/nextid?vmid=5');
    expect((small.json as { errors: object }).errors).toEqual({ vmid: 'value must have a minimum value of 100' });

    const enumeration = await rawRequest(sim, 'GET', '/cluster/resources?type=foo');
    expect((enumeration.json as { errors: object }).errors).toEqual({
      type: "value 'foo' does not have a value in the enumeration 'vm, storage, node, sdn'",
    });
  });

  it('refuses a body parameter that contradicts the path', async () => {
    const response = await postForm(sim, '/nodes/pve1/qemu/9000/clone', { vmid: 9001, newid: 500 });
    expect((response.json as { errors: object }).errors).toEqual({
      vmid: 'duplicate parameter (already defined in URI) with conflicting values!',
    });
  });
});

describe('request framing (501)', () => {
  it('refuses a body on GET and DELETE before routing, without a body', async () => {
    const get = await rawRequest(sim, 'GET', '/version', { body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(get).toMatchObject({ status: 501, reason: "Unexpected content for method 'GET'", body: '' });
    const del = await rawRequest(sim, 'DELETE', '/nodes/pve1/qemu/9000', { body: 'purge=1' });
    expect(del).toMatchObject({ status: 501, reason: "Unexpected content for method 'DELETE'" });
    expect(sim.vms().some((vm) => vm.vmid === 9000)).toBe(true);
  });

  it('answers an unknown path with a JSON 501 naming method and path', async () => {
    const response = await rawRequest(sim, 'GET', '/foo');
    expect(response).toMatchObject({ status: 501, reason: "Method 'GET /foo' not implemented" });
    expect(response.json).toEqual({ data: null, message: "Method 'GET /foo' not implemented" });
    expect((await rawRequest(sim, 'PATCH', '/version')).reason).toBe("method 'PATCH' not available");
  });

  it('accepts JSON bodies (numbers and booleans) as well as form bodies', async () => {
    const response = await rawRequest(sim, 'PUT', '/nodes/pve1/qemu/9000/config', {
      body: JSON.stringify({ onboot: true, cores: 3, description: 'golden image' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ data: null });
    const config = dataOf(await rawRequest(sim, 'GET', '/nodes/pve1/qemu/9000/config'));
    expect(config).toMatchObject({ onboot: 1, cores: 3, description: 'golden image' });
  });
});

describe('tasks', () => {
  it('reads a task by raw or percent-encoded UPID, only on its own node', async () => {
    const upid = dataOf(await postForm(sim, '/nodes/pve1/qemu/9000/config', { description: 'v2' })) as string;
    const encoded = encodeURIComponent(upid);
    const status = await rawRequest(sim, 'GET', `/nodes/pve1/tasks/${encoded}/status`);
    expect(dataOf(status)).toMatchObject({ upid, node: 'pve1' });
    const raw = await rawRequest(sim, 'GET', `/nodes/pve1/tasks/${upid}/status`);
    expect(raw.status).toBe(200);

    const elsewhere = await rawRequest(sim, 'GET', `/nodes/pve2/tasks/${encoded}/status`);
    expect(elsewhere.status).toBe(400);
    expect((elsewhere.json as { errors: object }).errors).toEqual({ upid: 'no such task' });
  });

  it('refuses a malformed UPID and an unknown one with errors.upid', async () => {
    const malformed = await rawRequest(sim, 'GET', '/nodes/pve1/tasks/not-a-upid/status');
    expect((malformed.json as { errors: object }).errors).toEqual({ upid: 'unable to parse worker upid' });
    const unknown = await rawRequest(
      sim,
      'GET',
      `/nodes/pve1/tasks/${encodeURIComponent('UPID:pve1:00001234:00ABCDEF:66000000:qmstart:101:root@pam:')}/log`,
    );
    expect(unknown).toMatchObject({ status: 400, reason: 'Parameter verification failed.' });
  });
});
