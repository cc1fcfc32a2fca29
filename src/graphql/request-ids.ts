import { AsyncLocalStorage } from "node:async_hooks";

/** The id of the HTTP request being served (x-request-id), for logs and masked errors. */
export const requestIds = new AsyncLocalStorage<string>();
