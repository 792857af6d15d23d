import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { z } from 'zod';
import type { TemporalConfig } from '../../temporal.config';
import { ensureSearchAttributes } from '../search-attributes';
import { campaignIdKey, firmwareVersionKey, otaSearchAttributeKeys, stateKey } from './search-attributes';
import { defaultRolloutPolicy, type CampaignProgress, type CampaignSummary, type RolloutInput, type RolloutPolicy, type SignalBy } from './types';
import { wavesProblem } from './waves';
import { abortSignal, otaProgressQuery, otaRollout, pauseSignal, resumeSignal } from './workflows';

/**
 * The OTA domain's client API: what `fleet ota` and the web app's OTA page call. Every function
 * takes a connected Client (workflows/client.ts) and talks to Temporal only; campaigns are found
 * by their workflow id `ota-<campaignId>` and, in lists, by their search attributes.
 */

const idText = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use 1-100 characters of A-Z a-z 0-9 _ . -');
const names = z.array(z.string().min(1).max(64)).max(10_000).optional();

const policySchema = z
  .object({
    waves: z.array(z.number()).superRefine((w, ctx) => {
      const problem = wavesProblem(w);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    successGate: z.number().min(0).max(1),
    failureThreshold: z.number().min(0).max(1),
    minDevicesForThreshold: z.number().int().min(1),
    concurrency: z.number().int().min(1).max(100_000),
    batchSize: z.number().int().min(1).max(1_000),
    deviceTimeoutMs: z.number().int().min(1_000).max(7 * 86_400_000),
    window: z.object({
      requireParked: z.boolean(),
      localHours: z.object({ fromHour: z.number().int().min(0).max(23), toHour: z.number().int().min(0).max(24) }).optional(),
    }),
    windowWaitMs: z.number().int().min(0),
    windowRecheckMs: z.number().int().min(100),
    historyEventsBeforeContinue: z.number().int().min(20).max(40_000),
  })
  .strict()
  .refine((p) => p.batchSize <= p.concurrency, { message: 'batchSize must not exceed concurrency', path: ['batchSize'] });

export const startRolloutRequestSchema = z
  .object({
    /** Default: a new id, ota-<date>-<random>. */
    campaignId: idText.optional(),
    manifestId: idText,
    target: z
      .object({ hardwareModels: names, regions: names, currentVersions: names, deviceIds: z.array(z.string().min(1).max(64)).max(100_000).optional() })
      .strict()
      .refine((t) => Object.values(t).some((v) => v && v.length > 0), { message: 'name at least one of hardwareModels, regions, currentVersions, deviceIds' }),
    policy: z.record(z.string(), z.unknown()).optional(),
    createdBy: z.string().min(1).max(200),
  })
  .strict();
export type StartRolloutRequest = z.input<typeof startRolloutRequestSchema> & { policy?: Partial<RolloutPolicy> };

export class OtaRequestError extends Error {
  override name = 'OtaRequestError';
}

export class CampaignNotFoundError extends Error {
  override name = 'CampaignNotFoundError';
  constructor(campaignId: string) {
    super(`no OTA campaign ${campaignId} (fleet ota list shows the campaigns)`);
  }
}

export function rolloutWorkflowId(campaignId: string): string {
  return `ota-${campaignId}`;
}

/** The policy of a request: defaults where it says nothing; a bad value is an OtaRequestError naming the field. */
export function rolloutPolicyOf(partial: Partial<RolloutPolicy> | Record<string, unknown> = {}): RolloutPolicy {
  const parsed = policySchema.safeParse({ ...defaultRolloutPolicy, ...partial });
  if (!parsed.success) throw new OtaRequestError(describe(parsed.error, 'policy'));
  return parsed.data as RolloutPolicy;
}

/** Starts a campaign; resolves once Temporal has it (the rollout itself runs on the worker). */
export async function startRollout(client: Client, temporal: TemporalConfig, request: StartRolloutRequest): Promise<{ campaignId: string; workflowId: string; runId: string }> {
  const parsed = startRolloutRequestSchema.safeParse(request);
  if (!parsed.success) throw new OtaRequestError(describe(parsed.error, 'request'));
  const policy = rolloutPolicyOf(parsed.data.policy);
  const campaignId = parsed.data.campaignId ?? `${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const input: RolloutInput = { campaignId, manifestId: parsed.data.manifestId, target: parsed.data.target, policy, createdBy: parsed.data.createdBy };
  await ensureSearchAttributes(client, otaSearchAttributeKeys);
  // By its type name, not the function: a minifying bundler (the web app's server build) renames functions.
  const handle = await client.workflow.start<typeof otaRollout>('otaRollout', {
    taskQueue: temporal.taskQueues.ota,
    workflowId: rolloutWorkflowId(campaignId),
    args: [input],
    typedSearchAttributes: [
      { key: campaignIdKey, value: campaignId },
      { key: stateKey, value: 'preparing' },
    ],
    memo: { manifestId: input.manifestId, target: input.target, waves: policy.waves, createdBy: input.createdBy },
  });
  return { campaignId, workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}

export async function pauseRollout(client: Client, campaignId: string, by: SignalBy): Promise<void> {
  await signal(client, campaignId, (h) => h.signal(pauseSignal, by));
}

export async function resumeRollout(client: Client, campaignId: string, by: SignalBy): Promise<void> {
  await signal(client, campaignId, (h) => h.signal(resumeSignal, by));
}

/** Stops the campaign and rolls back every device it updated. */
export async function abortRollout(client: Client, campaignId: string, by: SignalBy): Promise<void> {
  await signal(client, campaignId, (h) => h.signal(abortSignal, by));
}

/** Counts per state and per wave, from the running rollout, or the result of a finished one. */
export async function rolloutProgress(client: Client, campaignId: string): Promise<CampaignProgress> {
  const handle = client.workflow.getHandle(rolloutWorkflowId(campaignId));
  try {
    const description = await handle.describe();
    if (description.status.name === 'COMPLETED') return (await handle.result()) as CampaignProgress;
    return await handle.query(otaProgressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CampaignNotFoundError(campaignId);
    throw err;
  }
}

/** Waits for a campaign's end and returns its final progress. */
export async function rolloutResult(client: Client, campaignId: string): Promise<CampaignProgress> {
  return (await client.workflow.getHandle(rolloutWorkflowId(campaignId)).result()) as CampaignProgress;
}

export interface ListRolloutsOptions {
  /** FleetState: preparing, running, paused, aborting, completed, aborted. */
  state?: string;
  version?: string;
  limit?: number;
}

/** Campaigns, newest first, from Temporal's visibility store. */
export async function listRollouts(client: Client, options: ListRolloutsOptions = {}): Promise<CampaignSummary[]> {
  const clauses = [`WorkflowType = 'otaRollout'`];
  if (options.state) clauses.push(`FleetState = ${quote(options.state)}`);
  if (options.version) clauses.push(`FleetFirmwareVersion = ${quote(options.version)}`);
  const out: CampaignSummary[] = [];
  // Visibility lists newest first already; the dev server's SQLite store refuses ORDER BY.
  for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
    out.push(summaryOf(execution));
    if (out.length >= (options.limit ?? 50)) break;
  }
  return out;
}

function summaryOf(e: WorkflowExecutionInfo): CampaignSummary {
  const memo = (e.memo ?? {}) as { manifestId?: string; createdBy?: string };
  const attributes = e.typedSearchAttributes;
  return {
    campaignId: attributes.get(campaignIdKey) ?? e.workflowId.replace(/^ota-/, ''),
    workflowId: e.workflowId,
    runId: e.runId,
    version: attributes.get(firmwareVersionKey) ?? null,
    manifestId: memo.manifestId ?? null,
    state: attributes.get(stateKey) ?? null,
    executionStatus: e.status.name,
    startTime: e.startTime.toISOString(),
    closeTime: e.closeTime?.toISOString() ?? null,
    createdBy: memo.createdBy ?? null,
  };
}

async function signal(client: Client, campaignId: string, send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<void> {
  try {
    await send(client.workflow.getHandle(rolloutWorkflowId(campaignId)));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CampaignNotFoundError(campaignId);
    throw err;
  }
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function describe(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${what}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}
