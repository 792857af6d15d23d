import { webRuntime } from '../../../server/runtime';
import { scenarioDir, startWhatIfResponse } from '../../../server/whatif-api';

export const runtime = 'nodejs';

export function POST(request: Request): Promise<Response> {
  const { temporal } = webRuntime();
  // `fleet web` runs in the repository root.
  return startWhatIfResponse(() => temporal.client(), temporal.config, scenarioDir(process.cwd()), request);
}
