import { partitionOf } from './subjects';

/**
 * FLEET_MQTT_URL names one MQTT broker or several, comma-separated. Several split the devices
 * between them (each broker holds one open file per connection, so one process has a ceiling):
 * every device keeps to one broker, the ingress subscribes on all of them and commands go out
 * on all of them (only the device's own broker has its session).
 */
export function brokerUrls(setting: string): string[] {
  const urls = setting
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new Error('FLEET_MQTT_URL names no broker');
  return urls;
}

/** The broker a vehicle's devices use: all of a vehicle's devices on one, spread like partitions. */
export function brokerFor(vehicleId: string, urls: readonly string[]): string {
  return urls[partitionOf(vehicleId, urls.length)]!;
}
