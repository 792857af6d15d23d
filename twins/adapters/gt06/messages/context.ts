import type { ByteReader } from '../../binary/byte-reader';
import type { Gt06Frame } from '../frame';
import type { DeviceModel } from '../model';
import type { Gt06Report } from '../report';
import type { Variant } from '../variant';

export interface MessageContext {
  frame: Gt06Frame;
  variant: Variant;
  model: DeviceModel;
}

/** Reads one message body into the report, or throws DecodeError saying why it holds no reading. */
export type MessageDecoder = (r: ByteReader, report: Gt06Report, ctx: MessageContext) => void;
