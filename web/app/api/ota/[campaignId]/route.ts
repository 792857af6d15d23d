import { campaignActionResponse, campaignProgressResponse } from '../../../../server/ota-api';
import { webRuntime } from '../../../../server/runtime';

export const runtime = 'nodejs';

type Params = { params: Promise<{ campaignId: string }> };

export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { temporal } = webRuntime();
  return campaignProgressResponse(() => temporal.client(), (await params).campaignId);
}

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { temporal } = webRuntime();
  return campaignActionResponse(() => temporal.client(), (await params).campaignId, request);
}
