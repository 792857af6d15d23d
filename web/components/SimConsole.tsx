'use client';

import { useState, type FormEvent } from 'react';
import type { SimStatus } from '../server/sim-api';
import type { SimRunRequest } from '../server/sim-control';
import { errorOf, postJson, usePolled } from './usePolled';

const REFRESH_MS = 2_000;

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits }));

/** QA's simulator control: start a `fleet sim` run, watch the platform's rates and latency, stop it. */
export function SimConsole() {
  const status = usePolled<SimStatus>('/api/sim', REFRESH_MS);
  const [vehicles, setVehicles] = useState('50');
  const [devices, setDevices] = useState('4');
  const [rate, setRate] = useState('1');
  const [duration, setDuration] = useState('600');
  const [seed, setSeed] = useState('');
  const [faults, setFaults] = useState({ gapRate: '0', duplicateRate: '0', malformedRate: '0', skewShare: '0', silenceRate: '0' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = status.data?.run;
  const running = run !== undefined && run !== null && run.exitedAt === null;
  const rates = status.data?.rates;

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: SimRunRequest = {
      vehicles: Number(vehicles),
      devicesPerVehicle: Number(devices),
      rate: Number(rate),
      ...(duration ? { durationS: Number(duration) } : {}),
      ...(seed ? { seed } : {}),
      faults: Object.fromEntries(Object.entries(faults).map(([k, v]) => [k, Number(v)])),
    };
    try {
      await postJson('/api/sim', body);
      status.reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    setError(null);
    const response = await fetch('/api/sim', { method: 'DELETE' });
    if (!response.ok) setError(await errorOf(response));
    status.reload();
  };
  const fault = (key: keyof typeof faults, label: string) => (
    <label>
      {label}
      <input value={faults[key]} onChange={(e) => setFaults({ ...faults, [key]: e.target.value })} inputMode="decimal" />
    </label>
  );

  return (
    <>
      {status.error && (
        <div className="notice notice-error" role="alert">
          {status.error}
        </div>
      )}
      <section className="kpis" data-testid="sim-rates">
        <Figure label="simulated devices connected" value={rates ? `${fmt(rates.connected)} / ${fmt(rates.devices)}` : '—'} note={rates ? `${rates.simulators} simulator process(es)` : 'NATS unreachable'} />
        <Figure label="readings acked / s" value={fmt(rates?.ackedPerS, 1)} note="by the broker, from the simulators" />
        <Figure label="readings applied / s" value={fmt(rates?.appliedPerS, 1)} note={rates ? `by ${rates.twinHosts} twin host(s)` : ''} />
        <Figure
          label="apply latency p50 / p99"
          value={rates?.latencyMs ? `${fmt(rates.latencyMs.p50)} / ${fmt(rates.latencyMs.p99)} ms` : '—'}
          note={rates?.latencyMs ? `device time → twin, ${fmt(rates.latencyMs.count)} readings` : 'no readings in the last interval'}
        />
      </section>
      <form className="card" onSubmit={start} data-testid="sim-form">
        <h2>Simulator run</h2>
        <div className="form">
          <label>
            Vehicles
            <input value={vehicles} onChange={(e) => setVehicles(e.target.value)} inputMode="numeric" data-testid="sim-vehicles" />
          </label>
          <label>
            Devices per vehicle (1-4)
            <input value={devices} onChange={(e) => setDevices(e.target.value)} inputMode="numeric" />
          </label>
          <label>
            Rate (sampling speed-up)
            <input value={rate} onChange={(e) => setRate(e.target.value)} inputMode="decimal" />
          </label>
          <label>
            Duration (s, empty: until stopped)
            <input value={duration} onChange={(e) => setDuration(e.target.value)} inputMode="numeric" />
          </label>
          <label>
            Seed
            <input value={seed} onChange={(e) => setSeed(e.target.value)} placeholder="fleettwin" />
          </label>
          {fault('gapRate', 'Coverage gaps / device-hour')}
          {fault('silenceRate', 'Silences / device-hour')}
          {fault('duplicateRate', 'Duplicate share')}
          {fault('malformedRate', 'Malformed share')}
          {fault('skewShare', 'Skewed-clock share')}
        </div>
        {error && (
          <div className="notice notice-error" role="alert" data-testid="sim-error">
            {error}
          </div>
        )}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={busy || running} data-testid="sim-start">
            Start
          </button>
          <button type="button" className="button button-danger" disabled={!running} onClick={stop} data-testid="sim-stop">
            Stop
          </button>
          {run && (
            <span className="small muted" data-testid="sim-run">
              pid {run.pid}, started {new Date(run.startedAt).toLocaleTimeString()}
              {run.exitedAt !== null ? `, ended ${new Date(run.exitedAt).toLocaleTimeString()} (${run.signal ?? `exit ${run.exitCode}`})` : ', running'}
            </span>
          )}
        </div>
        {run && run.output.length > 0 && <pre className="log">{run.output.join('\n')}</pre>}
      </form>
    </>
  );
}

function Figure({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div className="card kpi">
      <h2>{label}</h2>
      <div className="kpi-value">{value}</div>
      <div className="muted small">{note}</div>
    </div>
  );
}
