import { webRuntime } from '../../../server/runtime';
import { listWorkOrdersResponse } from '../../../server/workorders-api';

export const runtime = 'nodejs';

export function GET(request: Request): Promise<Response> {
  const { temporal } = webRuntime();
  return listWorkOrdersResponse(() => temporal.client(), temporal.config, new URL(request.url));
}
