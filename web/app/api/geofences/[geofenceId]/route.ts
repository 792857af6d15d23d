import { deleteGeofenceResponse, putGeofenceResponse } from '../../../../server/geofences-api';
import { webRuntime } from '../../../../server/runtime';

export const runtime = 'nodejs';

type Params = { params: Promise<{ geofenceId: string }> };

export async function PUT(request: Request, { params }: Params): Promise<Response> {
  return putGeofenceResponse(webRuntime().link.connection, (await params).geofenceId, request);
}

export async function DELETE(_request: Request, { params }: Params): Promise<Response> {
  return deleteGeofenceResponse(webRuntime().link.connection, (await params).geofenceId);
}
