import { readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.History;

/** A history saved by record-history.ts, ready for Worker.runReplayHistory. */
export async function readRecordedHistory(path: string): Promise<History> {
  return proto.temporal.api.history.v1.History.decode(await readFile(path));
}
