import { badInput } from "./errors.ts";

// Shared checks for what users type; each names the offending field.

export function requiredText(field: string, value: string, max = 300): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(field, `${field} must not be empty`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

export function optionalText(field: string, value: string | null | undefined, max = 2000): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
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
