import { manifestsResponse } from '../../../../server/ota-api';
import { webRuntime } from '../../../../server/runtime';

export const runtime = 'nodejs';

export function GET(): Promise<Response> {
  const { database } = webRuntime();
  return manifestsResponse(() => database.pool());
}
