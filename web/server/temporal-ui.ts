import { loadConfig } from '../../infra/config/env';

/** Where a workflow of the configured namespace opens in the local Temporal UI; append the workflow id. */
export function temporalUiWorkflowsUrl(config = loadConfig()): string {
  return `http://127.0.0.1:${config.FLEET_TEMPORAL_UI_PORT}/namespaces/${encodeURIComponent(config.FLEET_TEMPORAL_NAMESPACE)}/workflows/`;
}
