import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadTemporalConfig } from '../../temporal.config';

/**
 * The Temporal server a test file talks to: the test run's own dev server when the global setup
 * exported FLEET_TEMPORAL_ADDRESS, otherwise a private dev server started from the Temporal CLI
 * binary (the SDK's default download cannot work offline).
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
    server: { executable: { type: 'existing-path', path: temporalCli() }, ip: '127.0.0.1', log: { format: 'pretty', level: 'error' } },
  });
}

function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test in this process.
  }
}

function temporalCli(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), process.env.GOBIN, join(homedir(), 'go', 'bin')].filter(Boolean) as string[];
  const found = dirs.map((d) => join(d, 'temporal')).find((p) => existsSync(p));
  if (!found) throw new Error('the Temporal CLI was not found on PATH, $GOBIN or ~/go/bin (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)');
  return found;
}
