import { badInput } from "../domain/errors.ts";

/**
 * A position names a place in the global log, ordered by (writer transaction
 * id, global sequence). The database formats it (event_position()); both
 * halves are fixed-width hex, so positions also compare as strings.
 */
export interface LogPoint {
  transactionId: bigint;
  globalPosition: bigint;
}

export const START: LogPoint = { transactionId: 0n, globalPosition: 0n };

const FORMAT = /^[0-9a-f]{16}-[0-9a-f]{16}$/;

export function parsePosition(position: string, field = "position"): LogPoint {
  if (!FORMAT.test(position)) throw badInput(field, `${field} is not a position returned by this API`);
  const [xid, seq] = position.split("-") as [string, string];
  return { transactionId: BigInt(`0x${xid}`), globalPosition: BigInt(`0x${seq}`) };
}

export const formatPosition = ({ transactionId, globalPosition }: LogPoint): string =>
  `${transactionId.toString(16).padStart(16, "0")}-${globalPosition.toString(16).padStart(16, "0")}`;

export const comparePositions = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
