import { afterAll, beforeAll } from "vitest";
import { createDatabase, type Database } from "../../src/db/client.ts";
import { EventStore } from "../../src/eventstore/store.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export interface StoreFixture {
  database: TestDatabase;
  connection: Database;
  db: Database["prisma"];
  store: EventStore;
}

/** A migrated database and an event store on it for the whole test file, dropped afterwards. */
export function useEventStore(): StoreFixture {
  const fixture = {} as StoreFixture;
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.connection = createDatabase({ url: fixture.database.url, poolSize: fixture.database.poolSize });
    fixture.db = fixture.connection.prisma;
    fixture.store = new EventStore(fixture.connection.pool);
  });
  afterAll(async () => {
    await fixture.connection?.close();
    await fixture.database?.drop();
  });
  return fixture;
}
