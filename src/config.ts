import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: z.url().optional(),
    /** The owner's connection, for migrations only; unset: DATABASE_URL's role migrates too. */
    PILOTIS_MIGRATION_DATABASE_URL: z.url().optional(),
    /** The role the service runs as, granted what it needs after each migration (with the owner's connection). */
    PILOTIS_DB_RUNTIME_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, "a plain lower-case role name")
      .optional(),
    REDIS_URL: z.url().optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    PILOTIS_DATA_DIR: z.string().min(1).default(".pilotis"),
    PILOTIS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /** Unset: the demo network goes into an empty embedded database only, never into a real one. */
    PILOTIS_DEMO_DATA: z
      .enum(["true", "false"])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === "true")),
    /** Where people reach the web app (https://pilotis.example.fr); https makes session cookies Secure. Unset: http://localhost:PORT. */
    PILOTIS_PUBLIC_URL: z.url().optional(),
    /** OpenID Connect (ProConnect or any provider): all three, or none and people sign in by one-time link only. */
    PILOTIS_OIDC_ISSUER: z.url().optional(),
    PILOTIS_OIDC_CLIENT_ID: z.string().min(1).optional(),
    PILOTIS_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** Origins (comma-separated) whose pages may call the API with credentials; unset: same origin only. */
    PILOTIS_CORS_ORIGINS: z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(",")
              .map((o) => o.trim())
              .filter(Boolean)
          : [],
      )
      .pipe(z.array(z.url())),
    PILOTIS_MAX_PAGE_SIZE: z.coerce.number().int().min(1).default(100),
    PILOTIS_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
    PILOTIS_MAX_COST: z.coerce.number().int().min(1).default(5000),
    PILOTIS_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
    /** A spreadsheet sent to importMatrix (a multipart request) may be larger than a query. */
    PILOTIS_MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    PILOTIS_STALE_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
    PILOTIS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
    PILOTIS_MAX_SUBSCRIPTIONS_PER_TOKEN: z.coerce.number().int().min(1).default(50),
    PILOTIS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(5000),
    /** Proxies (comma-separated addresses) whose X-Forwarded-For names the client; unset: none is believed. */
    PILOTIS_TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(",")
              .map((a) => a.trim())
              .filter(Boolean)
          : [],
      )
      .pipe(z.array(z.union([z.ipv4(), z.ipv6()]))),
    PILOTIS_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    PILOTIS_CATCHUP_MS: z.coerce.number().int().min(100).default(2000),
    PILOTIS_PROJECTION_SETTLE_MS: z.coerce.number().int().min(0).max(1000).default(50),
    PILOTIS_BENCHMARK_MIN_GROUP: z.coerce.number().int().min(1).default(5),
    PILOTIS_BENCHMARK_DEBOUNCE_MS: z.coerce.number().int().min(0).default(500),
    /** Seconds between two benchmark releases: a quarter of a year (README, "Private benchmarks"). */
    PILOTIS_BENCHMARK_RELEASE_SECONDS: z.coerce.number().int().min(1).default(7_889_400),
    /** The most privacy one release costs one collectivity, as zCDP's ρ; a year costs it times the releases of a year. */
    PILOTIS_BENCHMARK_PRIVACY_RHO: z.coerce.number().positive().max(10).default(0.25),
    PILOTIS_QUEUE_PREFIX: z.string().min(1).default("pilotis"),
    PILOTIS_WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    /** How long `projections:rebuild` rests after each batch, as a multiple of the batch's time: leaves the cores to live projections. */
    PILOTIS_REBUILD_PAUSE: z.coerce.number().min(0).max(10).default(1),
    PILOTIS_PROJECTION_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .refine((c) => [c.PILOTIS_OIDC_ISSUER, c.PILOTIS_OIDC_CLIENT_ID, c.PILOTIS_OIDC_CLIENT_SECRET].filter(Boolean).length % 3 === 0, {
    message: "set PILOTIS_OIDC_ISSUER, PILOTIS_OIDC_CLIENT_ID and PILOTIS_OIDC_CLIENT_SECRET together, or none",
    path: ["PILOTIS_OIDC_ISSUER"],
  });

export type Config = z.infer<typeof schema>;

/** The OpenID Connect settings, when the three are set. */
export function oidcSettings(config: Config) {
  const { PILOTIS_OIDC_ISSUER: issuer, PILOTIS_OIDC_CLIENT_ID: clientId, PILOTIS_OIDC_CLIENT_SECRET: clientSecret } = config;
  return issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : null;
}

export class ConfigError extends Error {}

/** Reads the environment into a typed config; a bad value stops start-up with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The benchmark release policy a config sets. */
export const releasePolicy = (config: Config) => ({
  releaseSeconds: config.PILOTIS_BENCHMARK_RELEASE_SECONDS,
  rhoPerRelease: config.PILOTIS_BENCHMARK_PRIVACY_RHO,
});
