import { Context } from '@temporalio/activity';
import { toJson } from '../../simulator/whatif/report';
import { runWhatIf } from '../../simulator/whatif/run-whatif';
import type { WhatIfRequest, WhatIfResult, WhatIfRunProgress } from './types';

/** Heartbeats are throttled by the SDK anyway; one every few seconds is plenty for progress. */
const HEARTBEAT_EVERY_MS = 2_000;

/** The what-if domain's activities: the engine itself, over all cores of the worker's machine. */
export function createActivities() {
  return {
    async runWhatIfScenarios(request: WhatIfRequest): Promise<WhatIfResult> {
      const ctx = Context.current();
      let last = 0;
      const comparison = await runWhatIf(request.scenarios, {
        ...(request.seeds ? { seeds: request.seeds } : {}),
        // A cancelled run stops its seed processes at once rather than keeping the cores for hours.
        signal: ctx.cancellationSignal,
        onProgress: (p) => {
          if (Date.now() - last < HEARTBEAT_EVERY_MS) return;
          last = Date.now();
          ctx.heartbeat({ fraction: p.fraction, simulatedDays: p.simulatedDays, seedsDone: p.seedsDone, seeds: p.seeds } satisfies WhatIfRunProgress);
        },
      });
      return toJson(comparison);
    },
  };
}

export type WhatIfActivities = ReturnType<typeof createActivities>;
