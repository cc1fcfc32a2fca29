import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Client, cacheExchange, fetchExchange, Provider } from "urql";
import { App } from "./App.tsx";
import { loadSession, SessionContext } from "./session.ts";
import "./styles.css";

const session = await loadSession();

// Subscriptions travel over the same fetch as queries (server-sent events),
// so the session cookie and its CSRF token go with them as with everything else.
const client = new Client({
  url: "/graphql",
  exchanges: [cacheExchange, fetchExchange],
  fetchSubscriptions: true,
  // POST with a JSON body: a GET would need Yoga's CSRF-prevention header besides ours.
  preferGetMethod: false,
  // Yoga's own CSRF header as well, for the multipart request that carries a spreadsheet to import.
  fetchOptions: (): RequestInit => ({
    credentials: "same-origin",
    headers: session.signedIn ? { "x-pilotis-csrf": session.csrf, "x-graphql-yoga-csrf": "1" } : {},
  }),
});

createRoot(document.getElementById("app")!).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <Provider value={client}>
        <App />
      </Provider>
    </SessionContext.Provider>
  </StrictMode>,
);
