import { scenarioDir, scenariosResponse } from '../../../../server/whatif-api';

export const runtime = 'nodejs';

export function GET(): Response {
  return scenariosResponse(scenarioDir(process.cwd()));
}
