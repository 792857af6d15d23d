import { decodeMessage } from '../../ingress/decode';
import type { Telemetry } from '../../telemetry/schema';

/** The records the ingress decodes from one device message; a refusal fails the test with its reason. */
export function ingressRecords(topic: string, payload: Uint8Array, receivedAt: number): Telemetry[] {
  const outcome = decodeMessage(topic, payload, receivedAt);
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.detail}`);
  return outcome.records;
}
