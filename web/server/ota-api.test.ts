import { afterAll, describe, expect, it } from 'vitest';
import { loadTemporalConfig } from '../../temporal.config';
import { campaignActionResponse, campaignProgressResponse, listCampaignsResponse, startCampaignResponse } from './ota-api';
import { TemporalLink } from './temporal-link';

/**
 * The OTA API's answers to bad input and to campaigns that do not exist, against the test run's
 * Temporal (the browser test starts a real campaign).
 */
const temporal = loadTemporalConfig();
const link = new TemporalLink(temporal);
const client = () => link.client();

afterAll(() => link.close());

const post = (body: unknown) =>
  new Request('http://web/api/ota', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function answer(response: Promise<Response>): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as { error?: string } };
}

describe('OTA API', () => {
  it('lists campaigns, and refuses an unknown state or a limit out of range with 400', async () => {
    const ok = await answer(listCampaignsResponse(client, new URL('http://web/api/ota?limit=5')));
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.body.campaigns)).toBe(true);
    expect((await answer(listCampaignsResponse(client, new URL('http://web/api/ota?state=napping')))).status).toBe(400);
    const limit = await answer(listCampaignsResponse(client, new URL('http://web/api/ota?limit=0')));
    expect(limit.status).toBe(400);
    expect(limit.body.error).toMatch(/limit/);
  });

  it('refuses a campaign without targets, with bad waves or a gate above 1, naming the field', async () => {
    const base = { manifestId: 'fw-1', createdBy: 'ana', target: { hardwareModels: ['FT-GPS'] } };
    const noTarget = await answer(startCampaignResponse(client, temporal, post({ ...base, target: {} })));
    expect(noTarget.status).toBe(400);
    expect(noTarget.body.error).toMatch(/at least one of hardwareModels/);
    const waves = await answer(startCampaignResponse(client, temporal, post({ ...base, policy: { waves: [50, 10] } })));
    expect(waves.status).toBe(400);
    expect(waves.body.error).toMatch(/policy\.waves/);
    const gate = await answer(startCampaignResponse(client, temporal, post({ ...base, policy: { successGate: 1.5 } })));
    expect(gate.status).toBe(400);
    expect(gate.body.error).toMatch(/successGate/);
    const noManifest = await answer(startCampaignResponse(client, temporal, post({ ...base, manifestId: '../etc' })));
    expect(noManifest.status).toBe(400);
    expect(noManifest.body.error).toMatch(/body\.manifestId/);
    expect((await answer(startCampaignResponse(client, temporal, post('{')))).status).toBe(400);
  });

  it('answers 404 for a campaign that does not exist, and 400 for a bad id or action', async () => {
    const missing = await answer(campaignProgressResponse(client, 'no-such-campaign'));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no OTA campaign no-such-campaign/);
    expect((await answer(campaignProgressResponse(client, 'bad id!'))).status).toBe(400);
    const pause = await answer(campaignActionResponse(client, 'no-such-campaign', post({ action: 'pause', by: 'ana' })));
    expect(pause.status).toBe(404);
    const bad = await answer(campaignActionResponse(client, 'no-such-campaign', post({ action: 'detonate', by: 'ana' })));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/body\.action/);
  });
});
