import { Client, Connection } from '@temporalio/client';
import { loadTemporalConfig, type TemporalConfig } from '../temporal.config';
import { temporalUnreachable } from './errors';

/**
 * A Client connected to FleetTwin's Temporal (temporal.config.ts), for starting, signalling and
 * querying workflows. Close it with `client.connection.close()`.
 */
export async function connectTemporalClient(config: TemporalConfig = loadTemporalConfig()): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.address, tls: config.tls, connectTimeout: '5 seconds' });
  } catch (err) {
    throw temporalUnreachable(config, err);
  }
  return new Client({ connection, namespace: config.namespace });
}
