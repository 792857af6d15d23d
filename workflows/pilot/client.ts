import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { TemporalConfig } from '../../temporal.config';
import { idSchema } from '../../twins/telemetry/schema';
import type { RolloutInput } from '../ota/types';
import { ensureSearchAttributes } from '../search-attributes';
import { pilotPhaseKey, pilotSearchAttributes } from './search-attributes';
import { pilotWorkflowId, type FollowOnDecision, type PilotReport, type PilotStatus } from './types';
import { followOnDecisionSignal, pilotProgram, pilotStatusQuery, stopPilotSignal } from './workflows';

/** A pilot request that cannot run as asked; the message names the field. */
export class PilotRequestError extends Error {
  override name = 'PilotRequestError';
}

const MAX_SNAPSHOTS = 500;

export const startPilotRequestSchema = z
  .object({
    pilotId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use 1-63 of a-z 0-9 - (starting with a letter or digit)').optional(),
    name: z.string().trim().min(1).max(200),
    cohort: z.array(idSchema).min(2, 'a cohort needs at least 2 vehicles').max(5000),
    durationMs: z.number().int().min(1000),
    snapshotEveryMs: z.number().int().min(500),
    followOnApprovalMs: z.number().int().min(1000).optional(),
  })
  .refine((r) => new Set(r.cohort).size === r.cohort.length, { message: 'a vehicle is listed twice', path: ['cohort'] })
  .refine((r) => r.snapshotEveryMs <= r.durationMs, { message: 'snapshots must come at least once within the duration', path: ['snapshotEveryMs'] })
  // Every snapshot travels in the status query and the result: keep them well inside Temporal's payload limits.
  .refine((r) => r.durationMs / r.snapshotEveryMs <= MAX_SNAPSHOTS, { message: `at most ${MAX_SNAPSHOTS} snapshots per pilot: snapshot less often`, path: ['snapshotEveryMs'] });
export type StartPilotRequest = z.input<typeof startPilotRequestSchema> & { followOn?: RolloutInput };

/** A fresh pilot id: the day and a random suffix. */
export function newPilotId(): string {
  return `${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
}

/** Starts a pilot; resolves once Temporal has it. */
export async function startPilot(client: Client, temporal: TemporalConfig, request: StartPilotRequest): Promise<{ pilotId: string; workflowId: string }> {
  const parsed = startPilotRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PilotRequestError(`${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  const r = parsed.data;
  const pilotId = r.pilotId ?? newPilotId();
  await ensureSearchAttributes(client, pilotSearchAttributes);
  const handle = await client.workflow.start(pilotProgram, {
    taskQueue: temporal.taskQueues.pilot,
    workflowId: pilotWorkflowId(pilotId),
    args: [{
      pilotId,
      name: r.name,
      cohort: r.cohort,
      durationMs: r.durationMs,
      snapshotEveryMs: r.snapshotEveryMs,
      ...(r.followOnApprovalMs ? { followOnApprovalMs: r.followOnApprovalMs } : {}),
      ...(request.followOn
        ? { followOn: { taskQueue: temporal.taskQueues.ota, workflowId: `ota-${request.followOn.campaignId}`, rollout: request.followOn } }
        : {}),
    }],
    memo: { name: r.name, cohortSize: r.cohort.length, followOn: request.followOn ? request.followOn.manifestId : null },
    typedSearchAttributes: [{ key: pilotPhaseKey, value: 'matching' }],
  });
  return { pilotId, workflowId: handle.workflowId };
}

/** The pilot's status: live from a running pilot, its result once finished. */
export async function pilotStatus(client: Client, pilotId: string): Promise<PilotStatus> {
  const handle = client.workflow.getHandle(pilotWorkflowId(pilotId));
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return (await handle.result()) as PilotStatus;
    return await handle.query(pilotStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new PilotRequestError(`no pilot ${pilotId}`);
    throw err;
  }
}

/** The final report; a PilotRequestError while the pilot is still measuring. */
export async function pilotReport(client: Client, pilotId: string): Promise<PilotReport> {
  const status = await pilotStatus(client, pilotId);
  if (!status.report) throw new PilotRequestError(`pilot ${pilotId} is ${status.phase}: its report comes at ${new Date(status.endsAt).toISOString()}`);
  return status.report;
}

export async function stopPilot(client: Client, pilotId: string, stop: { by: string; reason: string }): Promise<void> {
  const status = await pilotStatus(client, pilotId);
  if (status.phase !== 'matching' && status.phase !== 'running') throw new PilotRequestError(`pilot ${pilotId} is ${status.phase}: it has stopped measuring already`);
  await client.workflow.getHandle(pilotWorkflowId(pilotId)).signal(stopPilotSignal, stop);
}

export async function decideFollowOn(client: Client, pilotId: string, decision: FollowOnDecision): Promise<void> {
  const status = await pilotStatus(client, pilotId);
  if (status.phase !== 'awaiting_follow_on') throw new PilotRequestError(`pilot ${pilotId} is ${status.phase}: no follow-on rollout waits for a decision`);
  await client.workflow.getHandle(pilotWorkflowId(pilotId)).signal(followOnDecisionSignal, decision);
}
