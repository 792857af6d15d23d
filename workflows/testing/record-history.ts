/**
 * Saves the history of a finished workflow run for replay tests:
 *   FLEET_TEMPORAL_ADDRESS=... node --import tsx workflows/testing/record-history.ts <workflowId> <file.binpb>
 * Binary protobuf, because the SDK's JSON history reader trips over the two protobufjs copies
 * npm installs under @temporalio/common and @temporalio/proto ("type must be a Type").
 */
import { writeFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import { connectTemporalClient } from '../client';

const [workflowId, file] = process.argv.slice(2);
if (!workflowId || !file) {
  console.error('usage: record-history.ts <workflowId> <file.binpb>');
  process.exit(2);
}
const client = await connectTemporalClient();
try {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await writeFile(file, proto.temporal.api.history.v1.History.encode(history).finish());
  console.log(`${file}: ${history.events?.length ?? 0} events of ${workflowId}`);
} finally {
  await client.connection.close();
}
