import { createContext, useContext } from "react";

/** Who is signed in, as GET /session says; `csrf` goes with every request that rides on the session cookie. */
export type Session =
  | { signedIn: false; oidc?: boolean }
  | { signedIn: true; role: "ADMIN" | "EDITOR" | "OBSERVER"; collectivityId: string | null; subject: string; csrf: string };

export async function loadSession(): Promise<Session> {
  const response = await fetch("/session", { credentials: "same-origin" });
  return response.ok ? ((await response.json()) as Session) : { signedIn: false };
}

export const SessionContext = createContext<Session>({ signedIn: false });
export const useSession = () => useContext(SessionContext);

/** Whether the session may edit a collectivity's matrices: its editors and admins. */
export const canEdit = (session: Session, collectivityId: string): boolean =>
  session.signedIn && (session.role === "ADMIN" || (session.role === "EDITOR" && session.collectivityId === collectivityId));
