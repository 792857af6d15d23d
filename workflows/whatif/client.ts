import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TemporalConfig } from '../../temporal.config';
import type { WhatIfRequest, WhatIfResult, WhatIfRunProgress } from './types';
import type { whatIfRun } from './workflows';

export interface WhatIfStatus {
  runId: string;
  status: string;
  progress: WhatIfRunProgress | null;
  /** While running: the time left at the pace so far, seconds (null until 1 % is done). The first simulated day, every van starting a shift, is the dearest, so early figures run high. */
  secondsLeft: number | null;
  result: WhatIfResult | null;
  error: string | null;
}

/** Starts a what-if run on the `whatif` task queue; returns its workflow id. */
export async function startWhatIfRun(client: Client, temporal: TemporalConfig, request: WhatIfRequest): Promise<string> {
  const workflowId = `whatif-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  // By name: a bundler (the web app's production build) renames functions, and the type is the name.
  await client.workflow.start<typeof whatIfRun>('whatIfRun', { taskQueue: temporal.taskQueues.whatif, workflowId, args: [request] });
  return workflowId;
}

/** Asks a run to stop; its workflow ends CANCELLED once the seed processes are stopped. False if it had already ended. */
export async function cancelWhatIfRun(client: Client, workflowId: string): Promise<boolean> {
  const handle = client.workflow.getHandle(workflowId);
  // Asked first: the server accepts a cancel request for a run that has already ended.
  if ((await handle.describe()).status.name !== 'RUNNING') return false;
  try {
    await handle.cancel();
    return true;
  } catch (err) {
    // It may have ended between the two calls: then there is nothing to cancel.
    if ((await handle.describe()).status.name !== 'RUNNING') return false;
    throw err;
  }
}

/** Where a run is: its progress from the activity's last heartbeat while running, its result when done. */
export async function whatIfStatus(client: Client, workflowId: string): Promise<WhatIfStatus> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const status = description.status.name;
  const base = { runId: description.runId, status, progress: null, secondsLeft: null, result: null, error: null };
  if (status === 'COMPLETED') return { ...base, result: (await handle.result()) as WhatIfResult };
  if (status !== 'RUNNING') {
    const error = await handle.result().then(
      () => null,
      (err: unknown) => (err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)),
    );
    return { ...base, error };
  }
  const details = description.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
  if (!details) return base;
  const progress = defaultPayloadConverter.fromPayload(details) as WhatIfRunProgress;
  const elapsedS = (Date.now() - description.startTime.getTime()) / 1000;
  const secondsLeft = progress.fraction >= 0.01 ? Math.round((elapsedS * (1 - progress.fraction)) / progress.fraction) : null;
  return { ...base, progress, secondsLeft };
}
