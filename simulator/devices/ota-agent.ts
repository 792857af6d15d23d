import type { otaStates, Reading } from '../../twins/telemetry/schema';
import { deviceCommandSchema, type DeviceCommand } from '../../twins/commands/command';
import { firmwareLabel, parseFirmwareLabel } from '../../infra/pki/manifest';
import { checkArtifact, checkOffer } from './ota-verify';

/** How a simulated device behaves during updates. Durations are simulated; tests make them short. */
export interface OtaBehaviour {
  /** Least time a download takes (the real transfer may take longer). */
  downloadMs: number;
  installMs: number;
  rebootMs: number;
  /** Chance that installing fails: the device reports failed, then boots its old image (rolled_back). */
  failureRate: number;
  /** Chance that the new image fails its self-test after the reboot, so the device rolls itself back. */
  rollbackRate: number;
}

export const defaultOtaBehaviour: OtaBehaviour = { downloadMs: 20_000, installMs: 15_000, rebootMs: 10_000, failureRate: 0.002, rollbackRate: 0.002 };

const DOWNLOAD_ATTEMPTS = 3;
const DOWNLOAD_RETRY_MS = 2_000;

export interface OtaAgentOptions {
  /** Firmware label the device runs, e.g. `FT-GPS 3.4.1`. */
  firmware: string;
  /** The fleet root certificate the device was provisioned with; null: it trusts nothing. */
  trustAnchorPem: string | null;
  behaviour: OtaBehaviour;
  /** Uniform in [0, 1): the device's dice. */
  random: () => number;
  /** Sends one reading with the report (and the firmware label when it changed). */
  report: (reading: Reading) => void;
  fetchArtifact?: (url: string) => Promise<Uint8Array>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

type OtaState = (typeof otaStates)[number];
type Update = { campaignId: string; version: string; state: OtaState; reason?: string; busy: boolean };

/**
 * The OTA agent every simulated device has. It takes commands (ota.offer, ota.rollback), checks
 * an offer's manifest before downloading (chain to its fleet root, signature, expiry, model, no
 * downgrade), checks the artifact's size and SHA-256 after, then installs and reboots; it keeps
 * the previous image (A/B slots) to roll back to. Every step is reported in its telemetry.
 */
export class OtaAgent {
  private hardwareModel: string;
  private current: string;
  private previous: string | null = null;
  private readonly campaigns = new Map<string, Update>();
  private readonly fetchArtifact: (url: string) => Promise<Uint8Array>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The update in progress, if any: one at a time. */
  private running: Promise<void> | null = null;

  constructor(private readonly options: OtaAgentOptions) {
    const parsed = parseFirmwareLabel(options.firmware);
    if (!parsed) throw new RangeError(`firmware "${options.firmware}" is not "<model> <version>"`);
    this.hardwareModel = parsed.hardwareModel;
    this.current = parsed.version;
    this.fetchArtifact = options.fetchArtifact ?? download;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get firmware(): string {
    return firmwareLabel(this.hardwareModel, this.current);
  }

  /** Resolves when the update in progress (if any) has ended: for tests. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** A command from the platform (raw MQTT payload). Returns false for one it could not read. */
  receive(payload: Uint8Array): boolean {
    let command: DeviceCommand;
    try {
      const parsed = deviceCommandSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
      if (!parsed.success) return false;
      command = parsed.data;
    } catch {
      return false;
    }
    const known = this.campaigns.get(command.campaignId);
    // A repeated command (the platform retried): answer with where it stands, start nothing twice.
    if (known && (known.busy || command.type === 'ota.offer')) {
      if (!known.busy) this.say(known);
      return true;
    }
    if (this.running) {
      this.say({ campaignId: command.campaignId, version: command.type === 'ota.offer' ? '0.0' : command.version, state: 'refused', reason: 'busy: another update is in progress', busy: false });
      return true;
    }
    const work = command.type === 'ota.offer' ? this.install(command) : this.rollBack(command);
    this.running = work.finally(() => {
      this.running = null;
    });
    return true;
  }

  private async install(offer: Extract<DeviceCommand, { type: 'ota.offer' }>): Promise<void> {
    const version = typeof offer.manifest.manifest === 'object' && offer.manifest.manifest !== null ? String((offer.manifest.manifest as { version?: unknown }).version ?? '?') : '?';
    const u: Update = { campaignId: offer.campaignId, version, state: 'offered', busy: true };
    this.campaigns.set(offer.campaignId, u);
    this.step(u, 'offered');
    const offerCheck = checkOffer(offer.manifest, { trustAnchorPem: this.options.trustAnchorPem, hardwareModel: this.hardwareModel, version: this.current }, new Date(this.now()));
    if (!offerCheck.ok) return this.end(u, 'refused', `${offerCheck.code}: ${offerCheck.detail}`);
    const manifest = offerCheck.value;

    this.step(u, 'downloading');
    const started = this.now();
    const bytes = await this.downloadWithRetries(offer.url);
    if (typeof bytes === 'string') return this.end(u, 'refused', `download_failed: ${bytes}`);
    await this.sleep(Math.max(0, this.options.behaviour.downloadMs - (this.now() - started)));

    this.step(u, 'verifying');
    const artifactCheck = checkArtifact(manifest, bytes, new Date(this.now()));
    if (!artifactCheck.ok) return this.end(u, 'refused', `${artifactCheck.code}: ${artifactCheck.detail}`);

    this.step(u, 'installing');
    await this.sleep(this.options.behaviour.installMs);
    if (this.options.random() < this.options.behaviour.failureRate) {
      this.step(u, 'failed', 'install failed: flash write error');
      return this.end(u, 'rolled_back', `install failed; ${this.current} kept`);
    }
    this.step(u, 'rebooting');
    await this.sleep(this.options.behaviour.rebootMs);
    if (this.options.random() < this.options.behaviour.rollbackRate) {
      return this.end(u, 'rolled_back', `${manifest.version} failed its self-test after the reboot; ${this.current} restored`);
    }
    this.previous = this.current;
    this.current = manifest.version;
    this.end(u, 'done');
  }

  /** Like a real device, tries again after a short wait before giving up; the error of the last try otherwise. */
  private async downloadWithRetries(url: string): Promise<Uint8Array | string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchArtifact(url);
      } catch (err) {
        if (attempt >= DOWNLOAD_ATTEMPTS) return describeError(err);
        await this.sleep(DOWNLOAD_RETRY_MS * attempt);
      }
    }
  }

  private async rollBack(command: Extract<DeviceCommand, { type: 'ota.rollback' }>): Promise<void> {
    const u: Update = { campaignId: command.campaignId, version: command.version, state: 'rebooting', busy: true };
    this.campaigns.set(command.campaignId, u);
    if (this.current !== command.version || !this.previous) {
      return this.end(u, 'rolled_back', `not on ${command.version}: nothing to undo`);
    }
    this.step(u, 'rebooting');
    await this.sleep(this.options.behaviour.rebootMs);
    [this.current, this.previous] = [this.previous, null];
    this.end(u, 'rolled_back');
  }

  private step(u: Update, state: OtaState, reason?: string): void {
    u.state = state;
    if (reason) u.reason = reason;
    else delete u.reason;
    this.say(u);
  }

  private end(u: Update, state: OtaState, reason?: string): void {
    u.busy = false;
    this.step(u, state, reason);
  }

  private say(u: Update): void {
    const final = !u.busy && (u.state === 'done' || u.state === 'rolled_back');
    this.options.report({
      ota: { campaignId: u.campaignId, version: u.version, state: u.state, ...(u.reason ? { reason: u.reason.slice(0, 500) } : {}) },
      // After a change of image the device says what it runs now.
      ...(final ? { firmware: this.firmware } : {}),
    });
  }
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** fetch's own message is only "fetch failed": the cause says what (ECONNRESET, a timeout…). */
function describeError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}
