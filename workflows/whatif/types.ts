import type { ComparisonJson } from '../../simulator/whatif/report';
import type { Scenario } from '../../simulator/whatif/scenario/schema';

/** A what-if run as the web page or a script starts it: validated scenarios, the first the baseline. */
export interface WhatIfRequest {
  scenarios: Scenario[];
  /** Overrides each scenario's own number of seeds. */
  seeds?: number;
}

/** What the activity heartbeats, and what the client reads back while the run goes on. */
export interface WhatIfRunProgress {
  fraction: number;
  simulatedDays: number;
  seedsDone: number;
  seeds: number;
}

export type WhatIfResult = ComparisonJson;
