import type pg from "pg";

/**
 * Runs `work` on a client of the pool. While checked out, a client whose
 * connection dies emits 'error', which would crash the process with no
 * listener; the error is kept and the client discarded on release. Errors
 * the server answered (they carry a SQLSTATE) leave the connection usable,
 * so the client goes back to the pool: pg's pool.query() would throw it away.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on("error", onError);
  try {
    return await work(client);
  } catch (error) {
    if (!(error as { code?: string }).code) broken ??= error as Error;
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}
