'use client';

import { useState, type FormEvent } from 'react';
import { campaignStatuses, deviceStates, type CampaignProgress, type DeviceState, type StateCounts } from '../../workflows/ota/types';
import type { CampaignAction, CampaignList, ManifestSummary, StartCampaignBody } from '../server/ota-api';
import { postJson, usePolled } from './usePolled';
import { useOperator } from './useOperator';

const LIST_REFRESH_MS = 5_000;
const PROGRESS_REFRESH_MS = 2_000;

const stateColors: Record<DeviceState, string> = {
  pending: '#334155',
  offered: '#64748b',
  downloading: '#0ea5e9',
  verifying: '#38bdf8',
  installing: '#6366f1',
  rebooting: '#a78bfa',
  done: '#4ade80',
  failed: '#ef4444',
  rolled_back: '#f97316',
  refused: '#dc2626',
  timed_out: '#f59e0b',
  skipped: '#94a3b8',
};

/** OTA campaigns: the list, a form to start one, and the selected campaign's live progress by wave. */
export function OtaCampaigns({ temporalUi }: { temporalUi: string }) {
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [operator, setOperator] = useOperator();
  const list = usePolled<CampaignList>(`/api/ota${state ? `?state=${state}` : ''}`, LIST_REFRESH_MS);
  const campaigns = list.data?.campaigns;

  return (
    <>
      <div className="toolbar">
        <label>
          State{' '}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">any</option>
            {campaignStatuses.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Acting as <input value={operator} onChange={(e) => setOperator(e.target.value)} size={14} data-testid="operator" />
        </label>
      </div>
      <NewCampaign
        operator={operator}
        onStarted={(id) => {
          setSelected(id);
          list.reload();
        }}
      />
      {selected && <CampaignDetail campaignId={selected} operator={operator} temporalUi={temporalUi} onChanged={list.reload} />}
      {list.error && (
        <div className="notice notice-error" role="alert" data-testid="campaigns-error">
          <strong>Cannot load the campaigns</strong>
          <span>{list.error}</span>
        </div>
      )}
      {list.loading && <div className="muted">Loading campaigns…</div>}
      {campaigns && campaigns.length === 0 && (
        <div className="notice" data-testid="campaigns-empty">
          <strong>No campaigns{state ? ` in state ${state}` : ''}</strong>
          <span className="muted">Start one above from a published manifest (`fleet ota publish`).</span>
        </div>
      )}
      {campaigns && campaigns.length > 0 && (
        <table className="table" data-testid="campaigns">
          <thead>
            <tr>
              <th>Campaign</th>
              <th>State</th>
              <th>Firmware</th>
              <th>Started</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.workflowId} className={selected === c.campaignId ? 'row-selected' : undefined} data-testid="campaign-row" data-id={c.campaignId}>
                <td>
                  <button type="button" className="icon-button" onClick={() => setSelected(c.campaignId)}>
                    <code>{c.campaignId}</code>
                  </button>
                </td>
                <td className="phase">{c.state ?? c.executionStatus.toLowerCase()}</td>
                <td className="small">
                  {c.version ?? '?'} <span className="muted">{c.manifestId}</span>
                </td>
                <td className="small">{new Date(c.startTime).toLocaleString()}</td>
                <td className="small">{c.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function NewCampaign({ operator, onStarted }: { operator: string; onStarted(campaignId: string): void }) {
  const manifests = usePolled<{ manifests: ManifestSummary[] }>('/api/ota/manifests', 30_000);
  const [open, setOpen] = useState(false);
  const [manifestId, setManifestId] = useState('');
  const [models, setModels] = useState('');
  const [regions, setRegions] = useState('');
  const [versions, setVersions] = useState('');
  const [devices, setDevices] = useState('');
  const [waves, setWaves] = useState('1, 10, 50, 100');
  const [gate, setGate] = useState('0.99');
  const [failureThreshold, setFailureThreshold] = useState('0.05');
  const [requireParked, setRequireParked] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = manifests.data?.manifests.find((m) => m.id === manifestId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const target: StartCampaignBody['target'] = {};
    if (models) target.hardwareModels = list(models);
    if (regions) target.regions = list(regions);
    if (versions) target.currentVersions = list(versions);
    if (devices) target.deviceIds = list(devices);
    const body: StartCampaignBody = {
      manifestId,
      target,
      createdBy: operator,
      policy: {
        waves: list(waves).map(Number),
        successGate: Number(gate),
        failureThreshold: Number(failureThreshold),
        window: { requireParked },
      },
    };
    try {
      const started = await postJson<{ campaignId: string }>('/api/ota', body);
      setOpen(false);
      onStarted(started.campaignId);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <div>
        <button type="button" className="button button-primary" onClick={() => setOpen(true)} data-testid="new-campaign">
          New campaign…
        </button>
      </div>
    );
  }
  return (
    <form className="card" onSubmit={submit} data-testid="campaign-form">
      <h2>New campaign</h2>
      {manifests.error && <div className="notice notice-error" role="alert">Cannot load the manifests: {manifests.error}</div>}
      {manifests.data && manifests.data.manifests.length === 0 && (
        <div className="notice" data-testid="manifests-empty">
          No firmware published yet: <code>fleet ota publish</code> signs and publishes one.
        </div>
      )}
      <div className="form">
        <label>
          Firmware manifest
          <select
            value={manifestId}
            onChange={(e) => {
              setManifestId(e.target.value);
              const picked = manifests.data?.manifests.find((m) => m.id === e.target.value);
              if (picked && !models) setModels(picked.hardwareModels.join(', '));
            }}
            required
            data-testid="manifest"
          >
            <option value="">choose…</option>
            {manifests.data?.manifests.map((m) => (
              <option key={m.id} value={m.id}>
                {m.version} for {m.hardwareModels.join(', ')} ({m.id})
              </option>
            ))}
          </select>
          {chosen && <span className="hint">released {new Date(chosen.releasedAt).toLocaleString()}{chosen.expiresAt ? `, expires ${new Date(chosen.expiresAt).toLocaleString()}` : ''}</span>}
        </label>
        <label>
          Hardware models
          <input value={models} onChange={(e) => setModels(e.target.value)} placeholder={chosen ? chosen.hardwareModels.join(', ') : 'FT-GPS'} data-testid="models" />
        </label>
        <label>
          Regions
          <input value={regions} onChange={(e) => setRegions(e.target.value)} placeholder="any" data-testid="regions" />
        </label>
        <label>
          Current versions
          <input value={versions} onChange={(e) => setVersions(e.target.value)} placeholder="any" />
        </label>
        <label>
          Device ids
          <input value={devices} onChange={(e) => setDevices(e.target.value)} placeholder="any" data-testid="devices" />
        </label>
        <label>
          Waves (cumulative %)
          <input value={waves} onChange={(e) => setWaves(e.target.value)} data-testid="waves" />
        </label>
        <label>
          Success gate (share)
          <input value={gate} onChange={(e) => setGate(e.target.value)} inputMode="decimal" />
        </label>
        <label>
          Failure threshold (share)
          <input value={failureThreshold} onChange={(e) => setFailureThreshold(e.target.value)} inputMode="decimal" />
        </label>
        <label>
          <span>
            <input type="checkbox" checked={requireParked} onChange={(e) => setRequireParked(e.target.checked)} /> only parked vehicles
          </span>
        </label>
      </div>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="campaign-form-error">
          {error}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="start-campaign">
          Start
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CampaignDetail({ campaignId, operator, temporalUi, onChanged }: { campaignId: string; operator: string; temporalUi: string; onChanged(): void }) {
  const progress = usePolled<CampaignProgress>(`/api/ota/${encodeURIComponent(campaignId)}`, PROGRESS_REFRESH_MS);
  const [error, setError] = useState<string | null>(null);
  const p = progress.data;
  const act = async (action: CampaignAction['action']) => {
    setError(null);
    try {
      await postJson(`/api/ota/${encodeURIComponent(campaignId)}`, { action, by: operator } satisfies CampaignAction);
      progress.reload();
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const open = p && !['completed', 'aborted'].includes(p.status);
  return (
    <section className="card" data-testid="campaign-detail" data-status={p?.status}>
      <h2>
        Campaign <code>{campaignId}</code>{' '}
        <a className="small" href={`${temporalUi}${encodeURIComponent(`ota-${campaignId}`)}`} target="_blank" rel="noreferrer" data-testid="temporal-link">
          open in the Temporal UI ↗
        </a>
      </h2>
      {progress.error && (
        <div className="notice notice-error" role="alert">
          {progress.error}
        </div>
      )}
      {error && (
        <div className="notice notice-error" role="alert" data-testid="campaign-action-error">
          {error}
        </div>
      )}
      {p && (
        <>
          <div className="actions">
            <span className="phase" data-testid="campaign-status">
              {p.status}
            </span>
            {p.reason && <span className="muted small">({p.reason})</span>}
            <span className="muted small">
              {p.version || '?'} from {p.manifestId} · {p.totalDevices} devices{p.withoutOta ? ` (${p.withoutOta} left out: their format takes no OTA)` : ''} · {p.inFlight} updating now
              {p.runs > 0 ? ` · ${p.runs} continue-as-new` : ''}
            </span>
            {open && (
              <>
                <button type="button" className="button" disabled={p.status !== 'running'} onClick={() => act('pause')} data-testid="pause">
                  Pause
                </button>
                <button type="button" className="button" disabled={p.status !== 'paused'} onClick={() => act('resume')} data-testid="resume">
                  Resume
                </button>
                <button type="button" className="button button-danger" disabled={p.status === 'aborting'} onClick={() => act('abort')} data-testid="abort">
                  Abort and roll back
                </button>
              </>
            )}
          </div>
          <table className="table" data-testid="waves">
            <thead>
              <tr>
                <th>Wave</th>
                <th>Devices</th>
                <th>Progress</th>
                <th>Counts</th>
                <th>Gate</th>
              </tr>
            </thead>
            <tbody>
              {p.waves.map((w) => (
                <tr key={w.wave} className={w.wave === p.currentWave && open ? 'row-selected' : undefined} data-testid="wave-row">
                  <td>
                    {w.wave + 1} · {w.percent} %
                  </td>
                  <td className="num">{w.to - w.from}</td>
                  <td>
                    <CountsBar counts={w.counts} total={w.to - w.from} />
                  </td>
                  <td className="small">{countsText(w.counts)}</td>
                  <td className="small">{w.gate ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.rollback && (
            <div className="small" data-testid="rollback">
              Rollback of {p.rollback.devices} devices: {countsText(p.rollback.counts)}
            </div>
          )}
        </>
      )}
    </section>
  );
}

function countsText(counts: StateCounts): string {
  return deviceStates.filter((s) => counts[s]).map((s) => `${s.replace('_', ' ')} ${counts[s]}`).join(', ') || 'not started';
}

function CountsBar({ counts, total }: { counts: StateCounts; total: number }) {
  if (total <= 0) return <div className="bar" />;
  return (
    <div className="bar" title={countsText(counts)}>
      {deviceStates
        .filter((s) => s !== 'pending' && counts[s])
        .map((s) => (
          <span key={s} style={{ width: `${(100 * counts[s]!) / total}%`, background: stateColors[s] }} />
        ))}
    </div>
  );
}
