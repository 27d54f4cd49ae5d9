import { z } from 'zod';

// Only the fields Capstan reads; PVE returns more, and zod's default strips the rest.

/** GET /version */
export const PveVersion = z.object({ version: z.string(), release: z.string().optional() });

/** A UPID string returned by every asynchronous endpoint. */
export const Upid = z.string().startsWith('UPID:');

/** POST /config may answer null when done within background_delay. */
export const UpidOrNull = Upid.nullable();

/** Endpoints whose result is `null`. */
export const Null = z.null();

/** GET /nodes */
export const PveNodeList = z.array(z.object({ node: z.string(), status: z.string().optional() }));

/** GET /nodes with each node's size (absent while a node is offline): maxmem in bytes, maxcpu logical CPUs. */
export const PveNodeResources = z.array(
  z.object({ node: z.string(), status: z.string().optional(), maxcpu: z.number().optional(), maxmem: z.number().optional() }),
);

/** GET /nodes/{node}/status (memory in bytes) */
export const PveNodeStatus = z.object({
  memory: z.object({ total: z.number(), used: z.number(), free: z.number() }),
});

/** GET /nodes/{node}/qemu */
export const PveQemuList = z.array(
  z.object({
    vmid: z.coerce.number(),
    name: z.string().optional(),
    status: z.string().optional(),
    maxmem: z.number().optional(),
    template: z.union([z.literal(1), z.literal(0), z.literal('')]).optional(),
  }),
);

/** GET /cluster/resources?type=vm (guest stats lag a few seconds; `name` may be missing) */
export const PveVmResources = z.array(
  z.object({
    type: z.string(),
    vmid: z.coerce.number().optional(),
    node: z.string(),
    name: z.string().optional(),
    status: z.string().optional(),
    template: z.coerce.number().optional(),
    tags: z.string().optional(),
    lock: z.string().optional(),
  }),
);

/** GET /cluster/nextid */
export const PveNextId = z.coerce.number();

/** GET /nodes/{node}/qemu/{vmid}/config: the keys Capstan manages, strings as PVE sends them. */
export const PveVmConfig = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  tags: z.string().optional(),
  lock: z.string().optional(),
  template: z.coerce.number().optional(),
  cores: z.coerce.number().optional(),
  sockets: z.coerce.number().optional(),
  memory: z.coerce.string().optional(),
  net0: z.string().optional(),
  scsi0: z.string().optional(),
  ipconfig0: z.string().optional(),
  nameserver: z.string().optional(),
  onboot: z.coerce.number().optional(),
  /** `uuid=<uuid>,…`: the VM's SMBIOS uuid, which the guest reports as its system UUID (the providerID). */
  smbios1: z.string().optional(),
  digest: z.string().optional(),
});

/** GET /nodes/{node}/qemu/{vmid}/status/current */
export const PveVmStatus = z.object({
  status: z.string(),
  qmpstatus: z.string().optional(),
  lock: z.string().optional(),
  name: z.string().optional(),
});

/** GET /nodes/{node}/tasks/{upid}/status */
export const PveTaskStatus = z.object({
  status: z.enum(['running', 'stopped']),
  exitstatus: z.string().optional(),
  type: z.string().optional(),
});

/** GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces */
export const PveAgentInterfaces = z.object({
  result: z.array(
    z.object({
      name: z.string(),
      'ip-addresses': z
        .array(z.object({ 'ip-address': z.string(), 'ip-address-type': z.string(), prefix: z.number().optional() }))
        .optional(),
    }),
  ),
});

/** GET /nodes/{node}/storage/{storage}/status (bytes) */
export const PveStorageStatus = z.object({ total: z.number().optional(), avail: z.number().optional() });
