import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config.ts";

const compose = parse(readFileSync(fileURLToPath(new URL("../../docker-compose.yml", import.meta.url)), "utf8"));
const services = compose.services as Record<string, any>;

describe("docker-compose.yml", () => {
  it("has postgres, redis, api and worker, the servers with health checks and volumes", () => {
    expect(Object.keys(services).sort()).toEqual(["api", "postgres", "redis", "worker"]);
    for (const name of ["postgres", "redis", "api", "worker"]) expect(services[name].healthcheck?.test, name).toBeDefined();
    expect(services.postgres.volumes.join()).toMatch(/postgres-data:/);
    expect(services.redis.volumes.join()).toMatch(/redis-data:/);
    for (const volume of ["postgres-data", "redis-data"]) expect(compose.volumes).toHaveProperty(volume);
  });

  it("gives the api and the worker a configuration the code accepts, pointing at the compose services", () => {
    for (const name of ["api", "worker"]) {
      const env = services[name].environment as Record<string, string>;
      const config = loadConfig(env);
      const db = new URL(config.DATABASE_URL!);
      expect(db.hostname).toBe("postgres");
      expect(db.username).toBe(services.postgres.environment.POSTGRES_USER);
      expect(decodeURIComponent(db.password)).toBe(services.postgres.environment.POSTGRES_PASSWORD);
      expect(db.pathname).toBe(`/${services.postgres.environment.POSTGRES_DB}`);
      expect(new URL(config.REDIS_URL!).hostname).toBe("redis");
      expect(services[name].depends_on.postgres.condition).toBe("service_healthy");
    }
  });

  it("publishes the api on the port it listens on, and checks /ready", () => {
    const config = loadConfig(services.api.environment);
    expect(services.api.ports).toContain(`${config.PORT}:${config.PORT}`);
    expect(config.HOST).toBe("0.0.0.0");
    expect(services.api.healthcheck.test.join(" ")).toContain(`:${config.PORT}/ready`);
    expect(services.postgres.ports).toContain("5432:5432");
    expect(services.redis.ports).toContain("6379:6379");
  });

  it("checks the worker's readiness on the port it listens on", () => {
    const config = loadConfig(services.worker.environment);
    expect(services.worker.healthcheck.test.join(" ")).toContain(`:${config.PILOTIS_WORKER_PORT}/ready`);
    expect(services.worker.command.join(" ")).toContain("npm run worker");
  });

  it("runs commands that package.json defines", () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));
    for (const name of ["api", "worker"]) {
      const command = services[name].command.join(" ");
      for (const [, script] of command.matchAll(/npm (?:run )?(\S+)/g)) {
        if (script === "ci") continue;
        expect(pkg.scripts, `${name}: npm ${script}`).toHaveProperty(script!);
      }
    }
  });
});
