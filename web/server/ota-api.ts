import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type pg from 'pg';
import { z } from 'zod';
import { DatabaseUnreachableError } from '../../infra/db/pool';
import type { TemporalConfig } from '../../temporal.config';
import {
  abortRollout,
  CampaignNotFoundError,
  listRollouts,
  OtaRequestError,
  pauseRollout,
  resumeRollout,
  rolloutProgress,
  startRollout,
  startRolloutRequestSchema,
} from '../../workflows/ota/client';
import { campaignStatuses, type CampaignProgress, type CampaignSummary } from '../../workflows/ota/types';
import { errorResponse, jsonResponse } from './api';
import { answering, BadRequest, parseJsonBody, parseQuery, parseValue } from './temporal-api';

/** The OTA page's API: campaigns (list, start, progress, pause/resume/abort) and the manifests to start them from. */

export const campaignIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'not a campaign id (1-100 characters of A-Z a-z 0-9 _ . -)');

const listQuerySchema = z
  .object({
    state: z.enum(campaignStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const campaignActionSchema = z
  .object({
    action: z.enum(['pause', 'resume', 'abort']),
    by: z.string().trim().min(1, 'by is empty').max(200),
    reason: z.string().trim().min(1, 'reason is empty').max(500).optional(),
  })
  .strict();
export type CampaignAction = z.input<typeof campaignActionSchema>;
export type StartCampaignBody = z.input<typeof startRolloutRequestSchema>;

const isMissing = (err: unknown) => err instanceof CampaignNotFoundError;

export interface CampaignList {
  campaigns: CampaignSummary[];
}

/** GET /api/ota?state=&limit= : campaigns, newest first. */
export function listCampaignsResponse(client: () => Promise<Client>, url: URL): Promise<Response> {
  return answering(async () => {
    const query = parseQuery(listQuerySchema, url);
    const campaigns = await listRollouts(await client(), { ...(query.state ? { state: query.state } : {}), limit: query.limit ?? 50 });
    return jsonResponse({ campaigns } satisfies CampaignList);
  });
}

/** POST /api/ota: starts a campaign; 201 with its ids. A manifest that fails its checks shows in the campaign's progress (the workflow checks it). */
export function startCampaignResponse(client: () => Promise<Client>, temporal: TemporalConfig, request: Request): Promise<Response> {
  return answering(async () => {
    const body = await parseJsonBody(request, startRolloutRequestSchema);
    try {
      return jsonResponse(await startRollout(await client(), temporal, body), 201);
    } catch (err) {
      // A policy value out of range is the request's fault.
      if (err instanceof OtaRequestError) throw new BadRequest(400, err.message);
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new BadRequest(409, `campaign ${body.campaignId} exists already`);
      throw err;
    }
  });
}

/** GET /api/ota/[campaignId]: counts per state and per wave. */
export function campaignProgressResponse(client: () => Promise<Client>, rawId: string): Promise<Response> {
  return answering(
    async () => {
      const id = parseValue(campaignIdSchema, rawId, 'campaign id');
      return jsonResponse((await rolloutProgress(await client(), id)) satisfies CampaignProgress);
    },
    { notFound: isMissing },
  );
}

/** POST /api/ota/[campaignId] {action: pause|resume|abort, by, reason?} */
export function campaignActionResponse(client: () => Promise<Client>, rawId: string, request: Request): Promise<Response> {
  return answering(
    async () => {
      const id = parseValue(campaignIdSchema, rawId, 'campaign id');
      const { action, by, reason } = await parseJsonBody(request, campaignActionSchema);
      const send = { pause: pauseRollout, resume: resumeRollout, abort: abortRollout }[action];
      const temporal = await client();
      await send(temporal, id, { by, ...(reason ? { reason } : {}) });
      return jsonResponse({ campaignId: id, action });
    },
    { notFound: isMissing },
  );
}

export interface ManifestSummary {
  id: string;
  hardwareModels: string[];
  version: string;
  releasedAt: string;
  expiresAt: string | null;
  notes: string | null;
}

/** GET /api/ota/manifests: the signed firmware manifests that have not expired, newest first. */
export async function manifestsResponse(pool: () => Promise<pg.Pool>): Promise<Response> {
  try {
    const { rows } = await (await pool()).query<ManifestSummary>(
      // Only signed manifests can be rolled out; expired ones are refused by the rollout, so not offered.
      `SELECT id, hardware_models AS "hardwareModels", version, released_at AS "releasedAt", expires_at AS "expiresAt", notes
       FROM firmware_manifests
       WHERE signed_manifest IS NOT NULL AND (expires_at IS NULL OR expires_at > now())
       ORDER BY released_at DESC LIMIT 200`,
    );
    return jsonResponse({ manifests: rows });
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) return errorResponse(503, err.message);
    return errorResponse(502, `PostgreSQL refused the query: ${(err as Error).message}`);
  }
}
