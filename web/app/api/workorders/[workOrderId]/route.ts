import { webRuntime } from '../../../../server/runtime';
import { workOrderActionResponse, workOrderStatusResponse } from '../../../../server/workorders-api';

export const runtime = 'nodejs';

type Params = { params: Promise<{ workOrderId: string }> };

export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { temporal } = webRuntime();
  return workOrderStatusResponse(() => temporal.client(), (await params).workOrderId);
}

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const { temporal } = webRuntime();
  return workOrderActionResponse(() => temporal.client(), (await params).workOrderId, request);
}
