// Every section of `npm run bench`, in the order they run. A new section (bench/fleet/…) is one
// more entry here and its options in bench/index.ts.
import type { BenchSection } from './report/bench-section.ts';
import { controllerLatencySection, type ControllerLatencySettings } from './controller-latency-section.ts';
import { provisionSection } from './ops/provision-section.ts';
import { rollingSection } from './ops/rolling-section.ts';
import { upgradeSection } from './ops/upgrade-section.ts';
import type { OpsSettings } from './ops/ops-settings.ts';
import { fleetSection, type FleetSettings } from './fleet/fleet-section.ts';

/** Every section's settings, from the command line. */
export interface BenchSettings {
  readonly controller: ControllerLatencySettings;
  readonly ops: OpsSettings;
  /** Workers provisioned beside 3 control planes. */
  readonly provisionWorkers: number;
  readonly rollingReplicas: number;
  readonly rollingMaxSurge: number;
  readonly fleet: FleetSettings;
}

/** The sections, configured. */
export function benchSections(settings: BenchSettings): BenchSection[] {
  return [
    controllerLatencySection(settings.controller),
    provisionSection({ ...settings.ops, workers: settings.provisionWorkers }),
    rollingSection({ ...settings.ops, replicas: settings.rollingReplicas, maxSurge: settings.rollingMaxSurge }),
    upgradeSection(settings.ops),
    fleetSection(settings.fleet),
  ];
}
