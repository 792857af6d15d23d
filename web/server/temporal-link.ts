import type { Client } from '@temporalio/client';
import type { TemporalConfig } from '../../temporal.config';
import { connectTemporalClient } from '../../workflows/client';
import { LazyLink } from './lazy-link';

/** The web server's Temporal client (the map works while Temporal is down). */
export class TemporalLink extends LazyLink<Client> {
  constructor(readonly config: TemporalConfig) {
    super(
      () => connectTemporalClient(config),
      (client) => client.connection.close(),
    );
  }

  client(): Promise<Client> {
    return this.connection();
  }
}
