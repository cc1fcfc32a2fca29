import { useEffect } from "react";

export function SignIn() {
  useEffect(() => {
    document.title = "Connexion — Pilotis";
  }, []);
  return (
    <>
      <h1>Connexion</h1>
      <p>
        Sur une installation locale, ouvrez le lien de connexion à usage unique affiché au démarrage de Pilotis (<code>/connexion?code=…</code>).
      </p>
    </>
  );
}
