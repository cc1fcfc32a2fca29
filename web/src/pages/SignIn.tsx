import { useEffect } from "react";
import { useSession } from "../session.ts";

export function SignIn() {
  const session = useSession();
  useEffect(() => {
    document.title = "Connexion — Pilotis";
  }, []);
  if (session.signedIn) return <p>Vous êtes connecté : {session.subject}.</p>;
  return (
    <>
      <h1>Connexion</h1>
      {session.oidc && (
        <p>
          {/* A plain link: the sign-in leaves for the identity provider and comes back. */}
          <a className="button" href="/connexion/oidc">
            Se connecter avec ProConnect
          </a>
        </p>
      )}
      <p>
        {session.oidc ? "Sur une installation locale, vous pouvez aussi ouvrir" : "Ouvrez"} le lien de connexion à usage unique affiché au démarrage de Pilotis
        (<code>/connexion?code=…</code>).
      </p>
    </>
  );
}
