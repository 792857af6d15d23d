import { webRuntime } from '../../../../server/runtime';
import { cancelWhatIfResponse, whatIfStatusResponse } from '../../../../server/whatif-api';

export const runtime = 'nodejs';

type Params = { params: Promise<{ runId: string }> };

export async function GET(request: Request, { params }: Params): Promise<Response> {
  const { temporal } = webRuntime();
  return whatIfStatusResponse(() => temporal.client(), (await params).runId, new URL(request.url).searchParams.get('format'));
}

export async function DELETE(_request: Request, { params }: Params): Promise<Response> {
  const { temporal } = webRuntime();
  return cancelWhatIfResponse(() => temporal.client(), (await params).runId);
}
