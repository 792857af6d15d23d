import { canonicalTelemetry, type DecodeContext, type DeviceAdapter } from '../adapter';
import type { Reading, Telemetry } from '../../telemetry/schema';
import { readingOfAvlRecord } from './avl-reading';
import { decodeTeltonikaFrame, type FrameDecodeOptions } from './decode-frame';
import { readingOfGprsMessage } from './gprs-reading';
import { modelFamily } from './io-rules';

export interface TeltonikaAdapterOptions extends FrameDecodeOptions {
  /**
   * The tracker model (FMB130, FMC640, TAT100, …), which decides what model-dependent IO ids
   * mean, like Traccar's model override. Unset: an FMB/FMC-family tracker.
   */
  model?: string;
}

/**
 * Teltonika trackers (Codec 8, 8 Extended, 16, GH3000 codec 7; GPRS codecs 12, 13, 14) to
 * canonical telemetry, one reading per AVL record. Teltonika has no sequence number: records
 * are ordered by time and a resent record keeps its timestamp, so the record time in ms is the
 * sequence number and resends de-duplicate. GPRS messages have no record time of their own
 * (codec 13 has one, in seconds); they take it, or the receive time, plus their index in the
 * frame so that two messages of one frame stay distinct.
 */
export function createTeltonikaAdapter(options: TeltonikaAdapterOptions = {}): DeviceAdapter {
  const family = modelFamily(options.model);
  const frameOptions: FrameDecodeOptions = options.io16Group === undefined ? {} : { io16Group: options.io16Group };
  return {
    format: 'teltonika',
    defaultKind: 'telematics',
    description: 'Teltonika trackers: Codec 8 / 8 Extended / 16 AVL data (TCP or UDP framing) and codec 12/13/14 GPRS messages',
    decode(payload, ctx): Telemetry[] {
      const frame = decodeTeltonikaFrame(payload, frameOptions);
      if (frame.kind === 'avl') {
        // Oldest first: trackers may put the newest record first, and a twin that saw the newer
        // record first would take the older one for data from before its history and drop it.
        return frame.records
          .map((record) => telemetry(ctx, record.timestampMs, record.timestampMs, readingOfAvlRecord(record, frame.codec, family)))
          .sort((a, b) => a.seq - b.seq);
      }
      return frame.messages.map((message, index) => {
        const time = message.timestampMs ?? ctx.receivedAt;
        return telemetry(ctx, time, time + index, readingOfGprsMessage(frame.codec, message));
      });
    },
  };
}

export const teltonikaAdapter = createTeltonikaAdapter();

function telemetry(ctx: DecodeContext, deviceTime: number, seq: number, reading: Reading): Telemetry {
  return canonicalTelemetry(reading, { v: 1, seq, ts: deviceTime }, ctx, { deviceKind: 'telematics', format: 'teltonika' });
}
