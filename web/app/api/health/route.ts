import { healthResponse } from '../../../server/api';
import { webRuntime } from '../../../server/runtime';

export const runtime = 'nodejs';

export function GET(): Response {
  const { link, projection, broadcaster, feedStats } = webRuntime();
  return healthResponse({ nats: link.state, projection, feed: feedStats(), streamClients: broadcaster.listeners, stream: broadcaster.stats });
}
