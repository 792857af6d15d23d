import { listCampaignsResponse, startCampaignResponse } from '../../../server/ota-api';
import { webRuntime } from '../../../server/runtime';

export const runtime = 'nodejs';

export function GET(request: Request): Promise<Response> {
  const { temporal } = webRuntime();
  return listCampaignsResponse(() => temporal.client(), new URL(request.url));
}

export function POST(request: Request): Promise<Response> {
  const { temporal } = webRuntime();
  return startCampaignResponse(() => temporal.client(), temporal.config, request);
}
