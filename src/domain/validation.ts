import { badInput } from "./errors.ts";

// Shared checks for what users type; each names the offending field.

// NUL and unpaired UTF-16 surrogates cannot be stored (PostgreSQL refuses
// them), so they are refused anywhere, as bad input.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// In a one-line name, label or title: control characters, and the
// bidirectional overrides and isolates that can make a text read otherwise
// than it is stored.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NOT_IN_A_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Any text a person writes: refuses what cannot be stored. */
export function storableText(field: string, value: string): string {
  if (UNSTORABLE.test(value)) throw badInput(field, `${field} contains a NUL character or a broken Unicode sequence`);
  return value;
}

/** The reason given for a decision: at most 2,000 characters, kept in the log for ever. */
export const checkReason = (value: string | null | undefined): string | null => optionalText("reason", value, 2000);

export function requiredText(field: string, value: string, max = 300): string {
  storableText(field, value);
  if (NOT_IN_A_NAME.test(value)) throw badInput(field, `${field} must not contain control or bidirectional-override characters`);
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(field, `${field} must not be empty`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

export function optionalText(field: string, value: string | null | undefined, max = 2000): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = storableText(field, value).trim();
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function nonNegativeNumber(field: string, value: number, max = 1e9): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw badInput(field, `${field} must be a number from 0 to ${max}`);
  }
  return value;
}

export function finiteNumber(field: string, value: number, max = 1e12): number {
  if (!Number.isFinite(value) || Math.abs(value) > max) throw badInput(field, `${field} must be a number from -${max} to ${max}`);
  return value;
}

export const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date as ISO 8601 writes it (2027-06-30), one that exists. */
export function calendarDate(field: string, value: string): string {
  const match = CALENDAR_DAY.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) throw badInput(field, `${field} must be a calendar date such as 2027-06-30`);
  return value;
}
