// …/{vmid}/agent/<command>: the three errors in PVE's order (not configured, VM not
// running, agent not answering), then answers from the simulated guest.
import { agentAnswers } from '../core/guest-agent.ts';
import type { SimContext } from '../core/context.ts';
import type { VmState } from '../core/state.ts';
import { loadVm, requireNode } from '../core/vm-lookup.ts';
import { agentEnabled } from '../core/vm-metrics.ts';
import { parseIpconfig } from '../config/ipconfig.ts';
import { macOf } from '../config/net.ts';
import type { JsonValue } from '../http/json-value.ts';
import { required, str } from '../http/params.ts';
import { nodeParam, vmidParam } from '../http/pve-formats.ts';
import { pveDie } from '../http/pve-error.ts';
import type { Route } from '../http/router.ts';
import { apiRoute } from './api-context.ts';
import type { ApiContext } from './api-context.ts';

const statistics = {
  'rx-bytes': 0,
  'rx-dropped': 0,
  'rx-errs': 0,
  'rx-packets': 0,
  'tx-bytes': 0,
  'tx-dropped': 0,
  'tx-errs': 0,
  'tx-packets': 0,
};

// fe80::/64 address from the MAC (EUI-64), as the guest kernel would configure it.
function linkLocal(mac: string): string {
  const bytes = mac.split(':').map((b) => parseInt(b, 16));
  const eui = [(bytes[0] ?? 0) ^ 2, bytes[1] ?? 0, bytes[2] ?? 0, 0xff, 0xfe, bytes[3] ?? 0, bytes[4] ?? 0, bytes[5] ?? 0];
  const groups = [0, 2, 4, 6].map((i) => (((eui[i] ?? 0) << 8) | (eui[i + 1] ?? 0)).toString(16));
  return `fe80::${groups.join(':')}`;
}

function interfaces(vm: VmState): JsonValue {
  const mac = (macOf(vm.config['net0']) ?? '00:00:00:00:00:00').toLowerCase();
  const ipv4 = parseIpconfig(vm.config['ipconfig0']);
  const addresses: JsonValue[] = [];
  if (ipv4.address !== undefined) addresses.push({ 'ip-address': ipv4.address, 'ip-address-type': 'ipv4', prefix: ipv4.prefix ?? 24 });
  addresses.push({ 'ip-address': linkLocal(mac), 'ip-address-type': 'ipv6', prefix: 64 });
  return [
    {
      name: 'lo',
      'hardware-address': '00:00:00:00:00:00',
      'ip-addresses': [
        { 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 },
        { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 },
      ],
      statistics,
    },
    { name: 'eth0', 'hardware-address': mac, 'ip-addresses': addresses, statistics },
  ];
}

const answers: Record<string, (vm: VmState) => JsonValue> = {
  'network-get-interfaces': interfaces,
  'get-osinfo': () => ({
    id: 'talos',
    name: 'Talos',
    'pretty-name': 'Talos (simulated)',
    'kernel-release': '6.12.57-talos',
    'kernel-version': '#1 SMP',
    machine: 'x86_64',
    version: 'simulated',
    'version-id': 'simulated',
  }),
  'get-host-name': (vm) => ({ 'host-name': vm.config['name'] ?? `vm${vm.vmid}` }),
  info: () => ({
    version: '9.2.0',
    supported_commands: Object.keys(answers).map((name) => ({ name, enabled: true, 'success-response': true })),
  }),
  ping: () => ({}),
};

function agentCall(sim: SimContext, node: string, vmid: number, command: string): JsonValue {
  requireNode(sim, node);
  const vm = loadVm(sim, node, vmid);
  if (!agentEnabled(vm.config)) throw pveDie('No QEMU guest agent configured');
  if (vm.status !== 'running') throw pveDie(`VM ${vmid} is not running`);
  if (!agentAnswers(sim, vm)) throw pveDie('QEMU guest agent is not running');
  const answer = answers[command];
  if (answer === undefined) throw pveDie(`unsupported command '${command}'`);
  return { result: answer(vm) };
}

const getCommands = ['network-get-interfaces', 'get-osinfo', 'get-host-name', 'info'];
const postCommands = ['ping'];

/** Guest-agent routes. */
export const qemuAgentRoutes: Route<ApiContext>[] = [
  ...getCommands.map((command) =>
    apiRoute({
      method: 'GET',
      path: `/nodes/{node}/qemu/{vmid}/agent/${command}`,
      params: { node: nodeParam, vmid: vmidParam },
      handle: ({ sim }, p) => agentCall(sim, p.node, p.vmid, command),
    }),
  ),
  ...postCommands.map((command) =>
    apiRoute({
      method: 'POST',
      path: `/nodes/{node}/qemu/{vmid}/agent/${command}`,
      params: { node: nodeParam, vmid: vmidParam },
      handle: ({ sim }, p) => agentCall(sim, p.node, p.vmid, command),
    }),
  ),
  apiRoute({
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/agent',
    params: { node: nodeParam, vmid: vmidParam, command: required(str({ enum: [...getCommands, ...postCommands].sort() })) },
    handle: ({ sim }, p) => agentCall(sim, p.node, p.vmid, p.command),
  }),
];
