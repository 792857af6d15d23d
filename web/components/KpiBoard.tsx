'use client';

import { useState } from 'react';
import { kpiTargets, meetsTarget } from '../lib/kpi-targets';
import type { FleetKpis } from '../server/kpis-api';
import { usePolled } from './usePolled';

const windows = [
  { hours: 1, label: 'last hour' },
  { hours: 24, label: 'last 24 h' },
  { hours: 24 * 7, label: 'last 7 days' },
  { hours: 24 * 30, label: 'last 30 days' },
];

/** The fleet's KPIs beside the targets of the seed documents. */
export function KpiBoard() {
  const [hours, setHours] = useState(24);
  const polled = usePolled<FleetKpis>(`/api/kpis?hours=${hours}`, 30_000);
  const data = polled.data;
  return (
    <>
      <div className="toolbar">
        <label>
          Window{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="kpi-window">
            {windows.map((w) => (
              <option key={w.hours} value={w.hours}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        {data && (
          <span className="muted small">
            {data.vehicles.toLocaleString()} vehicles, {new Date(data.from).toLocaleString()} – {new Date(data.to).toLocaleString()}
          </span>
        )}
      </div>
      {polled.error && (
        <div className="notice notice-error" role="alert" data-testid="kpis-error">
          <strong>Cannot compute the KPIs</strong>
          <span>{polled.error}</span>
        </div>
      )}
      {polled.loading && <div className="muted">Computing the KPIs…</div>}
      {data && data.vehicles === 0 && (
        <div className="notice" data-testid="kpis-empty">
          <strong>No vehicles in the registry and none reported in this window</strong>
          <span className="muted">KPIs come from the recorder&apos;s telemetry history and events: is the recorder running?</span>
        </div>
      )}
      {data && data.vehicles > 0 && (
        <div className="kpis" data-testid="kpis">
          {kpiTargets.map((t) => {
            const summary = data.kpis[t.kpi];
            const shown = summary.mean === null ? null : summary.mean * t.scale;
            const met = meetsTarget(t, shown);
            return (
              <section key={t.kpi} className={`card kpi${met === true ? ' kpi-met' : met === false ? ' kpi-missed' : ''}`} data-testid={`kpi-${t.kpi}`}>
                <h2>{t.label}</h2>
                <div className="kpi-value">
                  {shown === null ? '—' : shown.toFixed(t.digits)} <span className="muted small">{t.unit}</span>
                </div>
                <div className="small">
                  target <strong>{t.target}</strong>
                  {met !== null && <span className={met ? 'yes' : 'kpi-miss-text'}>{met ? ' · met' : ' · missed'}</span>}
                </div>
                <div className="muted small">
                  {summary.n === 0 ? 'no vehicle has data for it' : `mean of ${summary.n} vehicles${summary.sd !== null ? `, sd ${(summary.sd * t.scale).toFixed(t.digits)}` : ''}`}
                </div>
                <div className="muted small">{t.source}</div>
              </section>
            );
          })}
        </div>
      )}
    </>
  );
}
