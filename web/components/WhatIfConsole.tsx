'use client';

import { useEffect, useState } from 'react';
import { kpiLabels, kpiNames, type KpiName } from '../../simulator/whatif/kpi/seed-kpis';
import type { Estimate } from '../../simulator/whatif/kpi/stats';
import { maintenancePolicies } from '../../simulator/whatif/scenario/schema';
import { variantFile, variantFileName } from '../../simulator/whatif/scenario/variant-file';
import type { WhatIfStatus } from '../../workflows/whatif/client';
import type { ScenarioFile } from '../server/whatif-api';
import { errorOf, postJson, usePolled } from './usePolled';

type Variant = { kind: 'file'; file: string } | { kind: 'changes'; name: string; policy: string; waveSharePct: string; ambientOffsetC: string };

/** The changed fields of the form, as scenario fields over the base (only what differs from it). */
function changesOf(base: ScenarioFile['scenario'], v: Extract<Variant, { kind: 'changes' }>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (v.policy !== base.maintenance.policy) changes.maintenance = { policy: v.policy };
  const wave = Number(v.waveSharePct) / 100;
  if (v.waveSharePct !== '' && wave !== base.ota.waveShare) changes.ota = { waveShare: wave };
  const ambient = Number(v.ambientOffsetC);
  if (v.ambientOffsetC !== '' && ambient !== base.weather.ambientOffsetC) changes.weather = { ambientOffsetC: ambient };
  return changes;
}

const fmt = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
const duration = (s: number) => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`);

/** The planners' page: a base scenario against a variation, run as a workflow, compared KPI by KPI with 95 % intervals. */
export function WhatIfConsole() {
  const list = usePolled<{ scenarios: ScenarioFile[]; problems: string[] }>('/api/whatif/scenarios', 300_000);
  const scenarios = list.data?.scenarios ?? [];
  const [baseFile, setBaseFile] = useState('');
  const [variant, setVariant] = useState<Variant | null>(null);
  const [seeds, setSeeds] = useState('3');
  const [horizonDays, setHorizonDays] = useState('');
  const [runId, setRunId] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<WhatIfStatus | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const base = scenarios.find((s) => s.file === baseFile) ?? scenarios.find((s) => s.file === 'baseline.yaml') ?? scenarios[0];

  useEffect(() => {
    if (!base || variant) return;
    setVariant({ kind: 'changes', name: `${base.name}, changed`, policy: base.scenario.maintenance.policy, waveSharePct: String(base.scenario.ota.waveShare * 100), ambientOffsetC: String(base.scenario.weather.ambientOffsetC) });
  }, [base, variant]);

  // Polls the run until it ends.
  useEffect(() => {
    if (!runId) return;
    let stopped = false;
    const poll = async () => {
      const response = await fetch(`/api/whatif/${runId}`, { cache: 'no-store' });
      if (stopped) return;
      if (!response.ok) setProblem(await errorOf(response));
      else {
        const next = (await response.json()) as WhatIfStatus;
        setStatus(next);
        if (next.status !== 'RUNNING') return;
      }
      setTimeout(() => void poll(), 1000);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [runId]);

  const run = async () => {
    if (!base || !variant) return;
    setProblem(null);
    setStatus(null);
    setCancelling(false);
    const body = {
      base: base.file,
      variants: [variant.kind === 'file' ? { file: variant.file } : { name: variant.name, changes: changesOf(base.scenario, variant) }],
      seeds: Number(seeds),
      ...(horizonDays !== '' ? { horizonDays: Number(horizonDays) } : {}),
    };
    try {
      const started = await postJson<{ workflowId: string }>('/api/whatif', body);
      setRunId(started.workflowId);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };

  const cancel = async () => {
    if (!runId) return;
    setCancelling(true);
    const response = await fetch(`/api/whatif/${runId}`, { method: 'DELETE' });
    if (!response.ok) {
      setProblem(await errorOf(response));
      setCancelling(false);
    }
  };

  if (list.error && !list.data) return <p className="banner banner-error">{list.error}</p>;
  if (!base || !variant) return <p className="muted">Loading scenarios…</p>;
  const running = status?.status === 'RUNNING' || (runId !== null && status === null && problem === null);

  return (
    <div className="whatif">
      <section className="card">
        <h2>Compare</h2>
        <div className="form-grid">
          <label>
            Base scenario
            <select data-testid="whatif-base" value={base.file} onChange={(e) => { setBaseFile(e.target.value); setVariant(null); }}>
              {scenarios.map((s) => (
                <option key={s.file} value={s.file}>
                  {s.name} ({s.file})
                </option>
              ))}
            </select>
          </label>
          <span className="muted small">{base.description}</span>
          <label>
            Against
            <select
              data-testid="whatif-variant-kind"
              value={variant.kind === 'file' ? variant.file : ''}
              onChange={(e) => (e.target.value ? setVariant({ kind: 'file', file: e.target.value }) : setVariant(null))}
            >
              <option value="">the base with changed parameters</option>
              {scenarios.filter((s) => s.file !== base.file).map((s) => (
                <option key={s.file} value={s.file}>
                  {s.name} ({s.file})
                </option>
              ))}
            </select>
          </label>
          {variant.kind === 'changes' && (
            <>
              <label>
                Name
                <input data-testid="whatif-name" value={variant.name} onChange={(e) => setVariant({ ...variant, name: e.target.value })} />
              </label>
              <label>
                Maintenance policy
                <select data-testid="whatif-policy" value={variant.policy} onChange={(e) => setVariant({ ...variant, policy: e.target.value })}>
                  {maintenancePolicies.map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              </label>
              <label>
                OTA wave size (% of devices)
                <input data-testid="whatif-wave" type="number" min="1" max="100" value={variant.waveSharePct} onChange={(e) => setVariant({ ...variant, waveSharePct: e.target.value })} />
              </label>
              <label>
                Weather (°C from normal)
                <input data-testid="whatif-ambient" type="number" min="-40" max="40" value={variant.ambientOffsetC} onChange={(e) => setVariant({ ...variant, ambientOffsetC: e.target.value })} />
              </label>
              <a
                className="small"
                data-testid="whatif-save-variant"
                download={variantFileName(variant.name)}
                href={`data:text/yaml;charset=utf-8,${encodeURIComponent(variantFile(base.file, variant.name, changesOf(base.scenario, variant)))}`}
                title="a scenario file extending the base with these changes: put it beside the base to run it with fleet whatif run or pick it here"
              >
                Save these changes as a scenario file
              </a>
            </>
          )}
          <label>
            Horizon (days, every scenario)
            <input data-testid="whatif-horizon" type="number" min="1" max="365" placeholder={String(base.scenario.horizonDays)} value={horizonDays} onChange={(e) => setHorizonDays(e.target.value)} />
          </label>
          <label>
            Seeds
            <input data-testid="whatif-seeds" type="number" min="2" max="20" value={seeds} onChange={(e) => setSeeds(e.target.value)} />
          </label>
        </div>
        <div className="actions">
          <button type="button" className="button" data-testid="whatif-run" disabled={running} onClick={() => void run()}>
            {running ? 'Running…' : 'Run'}
          </button>
          {running && runId && (
            <button type="button" className="button button-danger" data-testid="whatif-cancel" disabled={cancelling} onClick={() => void cancel()}>
              {cancelling ? 'Cancelling…' : 'Cancel run'}
            </button>
          )}
        </div>
        {problem && (
          <p className="banner banner-error" role="alert" data-testid="whatif-error">
            {problem}
          </p>
        )}
        {runId && (
          <p className="muted small">
            Workflow <code>{runId}</code> (task queue whatif in the Temporal UI)
          </p>
        )}
      </section>
      {status && runId && <RunView status={status} runId={runId} />}
    </div>
  );
}

function RunView({ status, runId }: { status: WhatIfStatus; runId: string }) {
  if (status.status === 'CANCELLED') return <p className="banner" data-testid="whatif-cancelled">The run was cancelled; its seed processes are stopped.</p>;
  if (status.error) return <p className="banner banner-error" data-testid="whatif-failed">The run failed: {status.error}</p>;
  if (!status.result) {
    const p = status.progress;
    return (
      <section className="card" data-testid="whatif-progress">
        <h2>Running</h2>
        <progress max={1} value={p?.fraction ?? 0} />
        <span className="muted small">
          {p
            ? `${Math.round(p.fraction * 100)} % · ${p.seedsDone} of ${p.seeds} seeds done · ${fmt(p.simulatedDays)} simulated days` +
              (status.secondsLeft !== null ? ` · about ${duration(status.secondsLeft)} left` : '')
            : 'waiting for the worker…'}
        </span>
      </section>
    );
  }
  const { scenarios, differences } = status.result;
  return (
    <section className="card" data-testid="whatif-result">
      <h2>KPIs, mean and 95 % interval over seeds</h2>
      <a className="small" href={`/api/whatif/${runId}?format=csv`} download data-testid="whatif-csv">
        Download as CSV (a row per KPI and scenario, with the changes from the base)
      </a>
      <div className="whatif-legend small">
        {scenarios.map((s, i) => (
          <span key={s.name}>
            <span className="dot" style={{ background: COLORS[i % COLORS.length] }} /> {s.name} ({s.seeds.length} seeds)
          </span>
        ))}
      </div>
      <div className="kpi-charts">
        {kpiNames.map((k) => (
          <KpiChart key={k} kpi={k} rows={scenarios.map((s) => ({ name: s.name, estimate: s.kpis[k] }))} difference={differences[0]?.kpis[k]} />
        ))}
      </div>
    </section>
  );
}

const COLORS = ['#60a5fa', '#f59e0b', '#a78bfa', '#34d399', '#f87171'];

/** One KPI: a bar per scenario with its interval as a whisker, and the variation's difference from the base. */
function KpiChart({ kpi, rows, difference }: { kpi: KpiName; rows: Array<{ name: string; estimate: Estimate }>; difference: (Estimate & { significant: boolean }) | undefined }) {
  const { label, unit, better } = kpiLabels[kpi];
  const top = Math.max(1e-9, ...rows.map((r) => r.estimate.high ?? r.estimate.mean ?? 0));
  const width = 260;
  const x = (v: number) => Math.max(0, (v / top) * width);
  return (
    <figure className="kpi-chart" data-testid={`whatif-kpi-${kpi}`}>
      <figcaption>
        {label} <span className="muted small">{unit} · {better} is better</span>
      </figcaption>
      <svg width={width + 90} height={rows.length * 22} role="img" aria-label={label}>
        {rows.map((r, i) => {
          const { mean, low, high } = r.estimate;
          const y = i * 22;
          return (
            <g key={r.name}>
              <title>{`${r.name}: ${fmt(mean, 2)} (${fmt(low, 2)} to ${fmt(high, 2)})`}</title>
              {mean !== null && <rect x={0} y={y + 4} width={x(mean)} height={14} fill={COLORS[i % COLORS.length]} rx={2} />}
              {low !== null && high !== null && <line x1={x(low)} x2={x(high)} y1={y + 11} y2={y + 11} stroke="#e5e7eb" strokeWidth={2} />}
              <text x={width + 6} y={y + 15} fill="currentColor" fontSize={11}>
                {mean === null ? 'n/a' : fmt(mean, 1)}
              </text>
            </g>
          );
        })}
      </svg>
      {difference && (
        <div className={`small ${difference.significant ? '' : 'muted'}`}>
          change {difference.mean === null ? 'n/a' : `${difference.mean >= 0 ? '+' : ''}${fmt(difference.mean, 2)} ± ${fmt(difference.halfWidth, 2)}`}
          {difference.significant ? '' : ' (within the noise)'}
        </div>
      )}
    </figure>
  );
}
