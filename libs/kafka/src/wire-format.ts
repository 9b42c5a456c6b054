import { ErrorCodes, LedgerError } from '@rollout-ledger/contracts';

/** Confluent wire format: byte 0 = magic 0x00, bytes 1–4 = schema id (big-endian int32), then the Avro body. */
export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

export function encodeWire(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_BYTES + body.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_BYTES);
  return out;
}

export interface WireFrame {
  readonly schemaId: number;
  readonly body: Buffer;
}

/** Splits a framed message; anything else is poison (non-retriable EVENT_UNDECODABLE). */
export function decodeWire(bytes: Buffer | null | undefined): WireFrame {
  if (!bytes || bytes.length === 0) {
    throw new LedgerError(ErrorCodes.eventUndecodable, 'Message has no value (tombstone or empty)');
  }
  if (bytes.length < WIRE_HEADER_BYTES) {
    throw new LedgerError(ErrorCodes.eventUndecodable, `Message of ${bytes.length} bytes is shorter than the 5-byte Confluent header`);
  }
  if (bytes[0] !== MAGIC_BYTE) {
    throw new LedgerError(
      ErrorCodes.eventUndecodable,
      `Message starts with byte 0x${bytes[0].toString(16).padStart(2, '0')}, not the Confluent magic byte 0x00`,
    );
  }
  return { schemaId: bytes.readInt32BE(1), body: bytes.subarray(WIRE_HEADER_BYTES) };
}
