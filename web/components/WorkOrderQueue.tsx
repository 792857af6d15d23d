'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { OpenWorkOrder, WorkOrderOutcome, WorkOrderPhase, WorkOrderStatus } from '../../workflows/maintenance/types';
import type { WorkOrderAction, WorkOrderList } from '../server/workorders-api';
import { postJson, usePolled } from './usePolled';
import { useOperator } from './useOperator';

const REFRESH_MS = 3_000;
const phases: WorkOrderPhase[] = ['awaiting_approval', 'scheduling', 'scheduled', 'in_service'];
const outcomes: Array<{ value: WorkOrderOutcome; label: string }> = [
  { value: 'fixed', label: 'fixed' },
  { value: 'not_found', label: 'not found' },
  { value: 'deferred', label: 'deferred' },
];

/** The open maintenance work orders, most urgent first, with what an operator does to them. */
export function WorkOrderQueue({ temporalUi }: { temporalUi: string }) {
  const [phase, setPhase] = useState<WorkOrderPhase | ''>('');
  const [escalated, setEscalated] = useState(false);
  const [operator, setOperator] = useOperator();
  const [selected, setSelected] = useState<string | null>(null);
  const params = new URLSearchParams();
  if (phase) params.set('phase', phase);
  if (escalated) params.set('escalated', 'true');
  const list = usePolled<WorkOrderList>(`/api/workorders?${params}`, REFRESH_MS);
  const orders = list.data?.orders;

  return (
    <>
      <div className="toolbar">
        <label>
          Phase{' '}
          <select value={phase} onChange={(e) => setPhase(e.target.value as WorkOrderPhase | '')} data-testid="phase-filter">
            <option value="">every open phase</option>
            {phases.map((p) => (
              <option key={p} value={p}>
                {p.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={escalated} onChange={(e) => setEscalated(e.target.checked)} /> only escalated
        </label>
        <label>
          Acting as <input value={operator} onChange={(e) => setOperator(e.target.value)} size={14} data-testid="operator" />
        </label>
        <span className="muted small">{orders ? `${orders.length} open` : ''}</span>
      </div>
      {list.error && (
        <div className="notice notice-error" role="alert" data-testid="workorders-error">
          <strong>Cannot load the work orders</strong>
          <span>{list.error}</span>
        </div>
      )}
      {list.loading && <div className="muted">Loading work orders…</div>}
      {orders && orders.length === 0 && (
        <div className="notice" data-testid="workorders-empty">
          <strong>No open work orders{phase || escalated ? ' match the filter' : ''}</strong>
          <span className="muted">Orders open by themselves from critical trouble codes, services due and predictive alerts.</span>
        </div>
      )}
      {orders && orders.length > 0 && (
        <table className="table" data-testid="workorders">
          <thead>
            <tr>
              <th>Order</th>
              <th>Phase</th>
              <th>Risk</th>
              <th>Opened</th>
              <th>Reason</th>
              <th>Action</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <OrderRow
                key={order.workflowId}
                order={order}
                operator={operator}
                selected={selected === order.workflowId}
                onSelect={() => setSelected(selected === order.workflowId ? null : order.workflowId)}
                onChanged={list.reload}
              />
            ))}
          </tbody>
        </table>
      )}
      {selected && <OrderDetail workOrderId={selected} temporalUi={temporalUi} />}
    </>
  );
}

function OrderRow({ order, operator, selected, onSelect, onChanged }: { order: OpenWorkOrder; operator: string; selected: boolean; onSelect(): void; onChanged(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<WorkOrderOutcome>('fixed');
  const [technician, setTechnician] = useState('');
  const [rejectReason, setRejectReason] = useState('');

  const act = async (action: WorkOrderAction) => {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/api/workorders/${encodeURIComponent(order.workflowId)}`, action);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr className={selected ? 'row-selected' : undefined} data-testid="workorder-row" data-id={order.workflowId} data-phase={order.phase}>
      <td>
        <button type="button" className="icon-button" onClick={onSelect} title="show the order's status">
          {selected ? '▾' : '▸'}
        </button>{' '}
        <code>{order.workflowId}</code>
        <div className="small">
          <Link href={`/vehicles/${encodeURIComponent(order.vehicleId)}`}>{order.vehicleId}</Link> · {order.component}
          {order.depotId ? ` · depot ${order.depotId}` : ''}
        </div>
      </td>
      <td className="phase">
        {order.phase}
        {order.escalated && <div className="small" style={{ color: 'var(--warn)' }}>escalated</div>}
      </td>
      <td className="num">{order.risk.toFixed(2)}</td>
      <td className="small">{new Date(order.openedAt).toLocaleString()}</td>
      <td className="small">
        {order.origin}: {order.reason}
      </td>
      <td>
        {order.phase === 'awaiting_approval' ? (
          <div className="actions">
            <button type="button" className="button button-primary" disabled={busy} onClick={() => act({ action: 'approve', by: operator })} data-testid="approve">
              Approve
            </button>
            <input placeholder="reason to reject" value={rejectReason} onChange={(e) => setRejectReason(e.target.value)} size={14} />
            <button type="button" className="button button-danger" disabled={busy} onClick={() => act({ action: 'reject', by: operator, reason: rejectReason })} data-testid="reject">
              Reject
            </button>
          </div>
        ) : order.phase === 'scheduling' ? (
          <span className="muted small">booking a slot…</span>
        ) : (
          <div className="actions">
            <select value={outcome} onChange={(e) => setOutcome(e.target.value as WorkOrderOutcome)} data-testid="outcome">
              {outcomes.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            <input placeholder="technician" value={technician} onChange={(e) => setTechnician(e.target.value)} size={10} data-testid="technician" />
            <button type="button" className="button button-primary" disabled={busy} onClick={() => act({ action: 'complete', outcome, technician })} data-testid="complete">
              Complete
            </button>
          </div>
        )}
        {error && (
          <div className="small" role="alert" style={{ color: '#fecaca' }} data-testid="action-error">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}

function OrderDetail({ workOrderId, temporalUi }: { workOrderId: string; temporalUi: string }) {
  const status = usePolled<WorkOrderStatus>(`/api/workorders/${encodeURIComponent(workOrderId)}`, REFRESH_MS);
  const s = status.data;
  return (
    <section className="card" data-testid="workorder-detail">
      <h2>
        {workOrderId}{' '}
        <a className="small" href={`${temporalUi}${encodeURIComponent(workOrderId)}`} target="_blank" rel="noreferrer">
          open in the Temporal UI ↗
        </a>
      </h2>
      {status.error && <div className="notice notice-error" role="alert">{status.error}</div>}
      {s && (
        <dl className="kv">
          <dt>phase</dt>
          <dd className="phase">{s.phase}</dd>
          <dt>priority · risk</dt>
          <dd>
            {s.priority} · {s.risk.toFixed(2)}
          </dd>
          <dt>approval</dt>
          <dd>{s.approval ? `${s.approval.auto ? 'automatic' : `by ${s.approval.by}`} at ${new Date(s.approval.at).toLocaleString()}${s.approval.note ? ` — ${s.approval.note}` : ''}` : '—'}</dd>
          <dt>slot</dt>
          <dd>{s.slot ? `depot ${s.slot.depotId}, ${new Date(s.slot.startsAt).toLocaleString()} – ${new Date(s.slot.endsAt).toLocaleTimeString()}` : '—'}</dd>
          <dt>in service since</dt>
          <dd>{s.inServiceAt ? new Date(s.inServiceAt).toLocaleString() : '—'}</dd>
          <dt>escalations</dt>
          <dd>{s.escalations.length === 0 ? 'none' : s.escalations.map((e) => `level ${e.level} in ${e.phase}`).join(', ')}</dd>
          <dt>triggers</dt>
          <dd>
            {s.triggers.map((t) => (
              <div key={t.triggerId} className="small">
                {new Date(t.at).toLocaleString()} · {t.origin} · risk {t.risk.toFixed(2)} · {t.reason}
              </div>
            ))}
          </dd>
        </dl>
      )}
    </section>
  );
}
