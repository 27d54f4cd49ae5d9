// The simulators' configured durations that lie on an operation's path, in real (scaled) ms: the
// only input the critical-path functions take, so they stay pure and testable with any numbers.
import { defaultTiming, type SimTiming } from '../../sim/proxmox/timing.ts';
import { defaultTalosTiming, type TalosSimTiming } from '../../sim/talos/timing.ts';

/** Durations the infrastructure itself takes, in ms as the bench runs them (scale applied). */
export interface InfraDelays {
  /** Proxmox: qmclone (both of its steps). */
  readonly clone: number;
  /** Proxmox: one qmconfig task. */
  readonly config: number;
  /** Proxmox: the resize task. */
  readonly resize: number;
  /** Proxmox: qmstart. */
  readonly start: number;
  /** Proxmox: qmstop (hard stop before a destroy). */
  readonly stop: number;
  /** Proxmox: the bookkeeping step that locks a VM before qmdestroy removes it. */
  readonly generic: number;
  /** Proxmox: qmdestroy. */
  readonly destroy: number;
  /** Talos: VM started → apid answers in maintenance. */
  readonly boot: number;
  /** Talos: config applied in maintenance → installed, rebooted, apid answers. */
  readonly install: number;
  /** Talos: Upgrade API acknowledged → the node answers with the new version. */
  readonly upgrade: number;
  /** Talos: apid answers → CRI healthy (Bootstrap possible, kubelet started). */
  readonly servicesReady: number;
  /** Talos: kubelet started → Node Ready. */
  readonly nodeReady: number;
  /** Talos: a control plane with an empty etcd data dir → added as a learner. */
  readonly etcdJoin: number;
  /** Talos: learner added → voting member. */
  readonly learnerPromotion: number;
}

/** The simulators' delays at `scale`, as sim/proxmox and sim/talos apply them. */
export function simDelays(scale: number, proxmox: SimTiming = defaultTiming, talos: TalosSimTiming = defaultTalosTiming): InfraDelays {
  return {
    clone: proxmox.clone * scale,
    config: proxmox.config * scale,
    resize: proxmox.resize * scale,
    start: proxmox.start * scale,
    stop: proxmox.stop * scale,
    generic: proxmox.generic * scale,
    destroy: proxmox.destroy * scale,
    boot: talos.boot * scale,
    install: talos.install * scale,
    upgrade: talos.upgrade * scale,
    servicesReady: talos.servicesReady * scale,
    nodeReady: talos.nodeReady * scale,
    etcdJoin: talos.etcdJoin * scale,
    learnerPromotion: talos.learnerPromotion * scale,
  };
}
