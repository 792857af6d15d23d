import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
// Only the type: activity code never enters the workflow bundle.
import type { WhatIfActivities } from './activities';
import type { WhatIfRequest, WhatIfResult } from './types';

/**
 * A month of a big fleet may take many minutes of simulation: the activity heartbeats its progress,
 * so a dead worker is noticed within the heartbeat timeout and the run retried elsewhere, and a
 * cancellation (the page's Cancel, the Temporal UI's Request Cancellation) reaches it with the next heartbeat.
 */
const engine = proxyActivities<WhatIfActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumAttempts: 3 },
  // A cancelled run ends once its seed processes are stopped, so "cancelled" means the cores are free.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Runs what-if scenarios and returns their comparison (KPIs with 95 % intervals, differences). */
export async function whatIfRun(request: WhatIfRequest): Promise<WhatIfResult> {
  return engine.runWhatIfScenarios(request);
}
