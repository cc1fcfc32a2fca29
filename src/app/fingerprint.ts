import { createHash } from "node:crypto";
import { canonicalJson } from "../shared/canonical-json.ts";

/** Identifies what a command asked for, whatever the order of its fields: a replayed command id must carry the same request. */
export const fingerprint = (value: unknown): string =>
  createHash("sha256")
    .update(canonicalJson(value, { dropEmpty: true }))
    .digest("hex");
