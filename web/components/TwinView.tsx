import type { ReactNode } from 'react';
import { formatAgo, formatNumber, formatTime, humanKey, looksLikeTimestamp } from '../lib/format';

/**
 * A twin as the twin host sends it, drawn without knowing its exact shape: its state values as
 * chips, its context as a table, its devices as cards, anything else as a table too.
 */
type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const STATE_KEYS = ['state', 'value', 'status'];
const SECTION_KEYS = new Set([...STATE_KEYS, 'context', 'devices']);
/** Nested objects up to this many keys are shown open. */
const OPEN_UP_TO = 6;

export function TwinView({ twin }: { twin: unknown }) {
  if (!isObject(twin)) {
    return (
      <section className="twin-section">
        <JsonValue name="twin" value={twin} />
      </section>
    );
  }
  const stateKey = STATE_KEYS.find((key) => key in twin);
  const rest = Object.fromEntries(Object.entries(twin).filter(([key]) => !SECTION_KEYS.has(key)));
  return (
    <div className="twin" data-testid="twin-view">
      {stateKey && (
        <Section title="State">
          <StateChips value={twin[stateKey]} />
        </Section>
      )}
      {Object.keys(rest).length > 0 && (
        <Section title="Twin">
          <KeyValues object={rest} />
        </Section>
      )}
      {'context' in twin && (
        <Section title="Context">
          {isObject(twin.context) ? <KeyValues object={twin.context} /> : <JsonValue name="context" value={twin.context} />}
        </Section>
      )}
      {'devices' in twin && (
        <Section title={`Devices${deviceCount(twin.devices)}`}>
          <Devices devices={twin.devices} />
        </Section>
      )}
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="twin-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** XState values are strings or nested objects of them: each leaf becomes "region · state". */
function StateChips({ value }: { value: unknown }) {
  const leaves: Array<[string, string]> = [];
  const walk = (node: unknown, path: string[]) => {
    if (isObject(node)) for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    else leaves.push([path.join('.'), typeof node === 'string' ? node : JSON.stringify(node)]);
  };
  walk(value, []);
  return (
    <div className="chips">
      {leaves.map(([path, state]) => (
        <span className="chip" key={`${path}:${state}`} data-state={state}>
          {path && <span className="chip-key">{humanKey(path)}</span>}
          <span className="chip-value">{state}</span>
        </span>
      ))}
    </div>
  );
}

function deviceCount(devices: unknown): string {
  const n = Array.isArray(devices) ? devices.length : isObject(devices) ? Object.keys(devices).length : 0;
  return n > 0 ? ` (${n})` : '';
}

function Devices({ devices }: { devices: unknown }) {
  const entries: Array<[string, unknown]> = Array.isArray(devices)
    ? devices.map((device, i) => [deviceTitle(device) ?? `#${i + 1}`, device])
    : isObject(devices)
      ? Object.entries(devices).map(([key, device]) => [deviceTitle(device) ?? key, device])
      : [];
  if (entries.length === 0) return <JsonValue name="devices" value={devices} />;
  return (
    <div className="devices">
      {entries.map(([title, device]) => (
        <div className="device" key={title}>
          <h4>{title}</h4>
          {isObject(device) ? <KeyValues object={device} /> : <JsonValue name={title} value={device} />}
        </div>
      ))}
    </div>
  );
}

function deviceTitle(device: unknown): string | undefined {
  if (!isObject(device)) return undefined;
  const id = device.deviceId ?? device.id;
  const kind = device.deviceKind ?? device.kind;
  if (typeof id !== 'string') return undefined;
  return typeof kind === 'string' ? `${id} · ${kind}` : id;
}

export function KeyValues({ object }: { object: JsonObject }) {
  const entries = Object.entries(object);
  if (entries.length === 0) return <p className="muted">empty</p>;
  return (
    <dl className="kv">
      {entries.map(([key, value]) => (
        <div className="kv-row" key={key}>
          <dt title={key}>{humanKey(key)}</dt>
          <dd>
            <JsonValue name={key} value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function JsonValue({ name, value }: { name: string; value: unknown }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value === 'boolean') return <span className={value ? 'yes' : 'no'}>{value ? 'yes' : 'no'}</span>;
  if (looksLikeTimestamp(name, value)) {
    return (
      <span title={new Date(value).toISOString()}>
        {formatTime(value)} <span className="muted">({formatAgo(value)})</span>
      </span>
    );
  }
  if (typeof value === 'number') return <span className="num">{formatNumber(value)}</span>;
  if (typeof value === 'string') return <span className="str">{value}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.every((item) => !isObject(item) && !Array.isArray(item))) {
      return <span>{value.map((item) => (typeof item === 'number' ? formatNumber(item) : String(item))).join(', ')}</span>;
    }
    return (
      <details open={value.length <= OPEN_UP_TO}>
        <summary>{value.length} items</summary>
        <KeyValues object={Object.fromEntries(value.map((item, i) => [String(i), item]))} />
      </details>
    );
  }
  if (isObject(value)) {
    const size = Object.keys(value).length;
    return (
      <details open={size <= OPEN_UP_TO}>
        <summary>{size} fields</summary>
        <KeyValues object={value} />
      </details>
    );
  }
  return <span>{String(value)}</span>;
}
