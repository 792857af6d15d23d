import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { LatencyHistogram } from './latency-histogram';
import type { TwinHost } from './twin-host';

/**
 * The figures of `fleet twins` as Prometheus metrics on http://127.0.0.1:<port>/metrics.
 * Values are read from the host when scraped, so nothing is counted twice.
 */
export async function serveMetrics(host: TwinHost, port: number, bind = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const registry = new Registry();
  registry.setDefaultLabels({ host: host.hostId });
  collectDefaultMetrics({ register: registry, prefix: 'fleet_twin_host_' });

  new Gauge({ name: 'fleet_twin_host_partitions', help: 'Partitions this host owns', registers: [registry], collect() { this.set(host.partitionStatus().length); } });
  new Gauge({ name: 'fleet_twin_host_twins', help: 'Vehicle twins on this host', registers: [registry], collect() { this.set(host.twinCount); } });
  new Gauge({
    name: 'fleet_twin_partition_lag',
    help: 'Telemetry messages of the partition not yet applied',
    labelNames: ['partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of host.partitionStatus()) this.set({ partition: String(p.partition) }, p.pending);
    },
  });
  new Gauge({
    name: 'fleet_twin_partition_applied_seq',
    help: 'Stream sequence of the last telemetry applied in the partition',
    labelNames: ['partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of host.partitionStatus()) this.set({ partition: String(p.partition) }, p.appliedSeq);
    },
  });
  const latencyGauge = (name: string, help: string, histogram: LatencyHistogram) =>
    new Gauge({
      name,
      help,
      labelNames: ['quantile'],
      registers: [registry],
      collect() {
        this.reset();
        for (const q of [0.5, 0.95, 0.99]) {
          const ms = histogram.quantile(q);
          if (ms !== null) this.set({ quantile: String(q) }, ms);
        }
      },
    });
  latencyGauge('fleet_twin_apply_latency_ms', 'Device time to twin applied, ms, at quantiles (since the host started)', host.applyLatency);
  latencyGauge('fleet_twin_receipt_latency_ms', 'Ingress receipt to twin applied, ms, at quantiles (since the host started)', host.receiptLatency);
  const counter = (name: string, help: string, read: () => Record<string, number>, label: string) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const [value, n] of Object.entries(read())) this.inc({ [label]: value }, n);
      },
    });
  counter('fleet_twin_readings_total', 'Telemetry readings by what the device twin made of them', () => ({
    in_order: host.stats.applied, late: host.stats.late, duplicate: host.stats.duplicates, too_old: host.stats.tooOld, invalid: host.stats.invalid,
  }), 'verdict');
  counter('fleet_twin_partition_moves_total', 'Partitions taken, lost and handed over', () => ({
    taken: host.stats.partitionsTaken, lost: host.stats.partitionsLost, handed_over: host.stats.partitionsHandedOver,
  }), 'move');
  counter('fleet_twin_feed_restarts_total', 'Partition consumers found stalled and started again', () => ({ stalled: host.stats.feedRestarts }), 'cause');
  counter('fleet_twin_events_total', 'Domain events published', () => ({ published: host.stats.events, failed: host.stats.eventPublishFailures }), 'outcome');

  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('see /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, bind, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
