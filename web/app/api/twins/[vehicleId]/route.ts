import { twinResponse } from '../../../../server/api';
import { TWIN_QUERY_TIMEOUT_MS, webRuntime } from '../../../../server/runtime';

export const runtime = 'nodejs';

export async function GET(_request: Request, { params }: { params: Promise<{ vehicleId: string }> }): Promise<Response> {
  const { vehicleId } = await params;
  const { link, config } = webRuntime();
  return twinResponse(link.connection, vehicleId, {
    partitions: config.FLEET_PARTITIONS,
    timeoutMs: TWIN_QUERY_TIMEOUT_MS,
  });
}
