import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporalCli } from '../../infra/stack/temporal';
import { loadTemporalConfig } from '../../temporal.config';

/**
 * The Temporal server a test file talks to: the test run's own dev server when the global setup
 * exported FLEET_TEMPORAL_ADDRESS, otherwise a private dev server of the Temporal CLI, found or
 * built as `fleet up` does (the SDK's default download cannot work offline).
 */
export async function startTestTemporal(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  if (process.env.FLEET_TEMPORAL_ADDRESS) {
    const temporal = loadTemporalConfig();
    return TestWorkflowEnvironment.createFromExistingServer({
      address: temporal.address,
      namespace: temporal.namespace,
      ...(temporal.tls ? { connectionOptions: { tls: temporal.tls } } : {}),
    });
  }
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: await temporalCli() }, ip: '127.0.0.1', log: { format: 'pretty', level: 'error' } },
  });
}

function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test in this process.
  }
}
