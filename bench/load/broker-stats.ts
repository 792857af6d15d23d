import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { brokerUrls } from '../../twins/bus/mqtt-brokers';

const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';
const UPTIME_TOPIC = '$SYS/broker/uptime';

/**
 * Messages Mosquitto has dropped since it started (a subscriber's queue full, ...), from its
 * retained $SYS tree, which has no dropped counter until the first drop; null when the broker
 * publishes no $SYS at all. A drop after the broker acknowledged a device's publish is loss the
 * twins cannot see: the bench prints it so that a loss is traced to the broker, not guessed.
 */
export async function brokerDropped(mqttUrls: string, timeoutMs = 15_000): Promise<number | null> {
  const counts = await Promise.all(brokerUrls(mqttUrls).map((url) => droppedBy(url, timeoutMs)));
  return counts.includes(null) ? null : counts.reduce<number>((sum, n) => sum + n!, 0);
}

async function droppedBy(mqttUrl: string, timeoutMs: number): Promise<number | null> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: `bench-load-sys-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0, connectTimeout: 10_000 });
  try {
    const value = new Promise<number | null>((resolve) => {
      let dropped = 0;
      const timer = setTimeout(() => resolve(null), timeoutMs);
      client.on('message', (topic, payload) => {
        if (topic === DROPPED_TOPIC) dropped = Number(payload.toString()) || 0;
        if (topic !== UPTIME_TOPIC) return;
        clearTimeout(timer);
        // Retained messages arrive together: a moment for the dropped counter, when there is one.
        setTimeout(() => resolve(dropped), 500);
      });
    });
    await client.subscribeAsync([DROPPED_TOPIC, UPTIME_TOPIC]);
    return await value;
  } finally {
    await client.endAsync(true);
  }
}
