import { monacoBasemap } from '../../../server/monaco-basemap';

export const runtime = 'nodejs';

export function GET(): Response {
  // The roads ship with the release: a browser may keep them for a day.
  return Response.json(monacoBasemap, { headers: { 'cache-control': 'public, max-age=86400' } });
}
