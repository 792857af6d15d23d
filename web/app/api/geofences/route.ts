import { listGeofencesResponse } from '../../../server/geofences-api';
import { webRuntime } from '../../../server/runtime';

export const runtime = 'nodejs';

export function GET(): Promise<Response> {
  return listGeofencesResponse(webRuntime().link.connection);
}
