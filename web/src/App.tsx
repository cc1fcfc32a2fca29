import { lazy, Suspense } from "react";
import { Link, Route, Switch } from "wouter";
import { CollectivityPage } from "./pages/CollectivityPage.tsx";
import { Home } from "./pages/Home.tsx";
import { MatrixPage } from "./pages/MatrixPage.tsx";
import { Report } from "./pages/Report.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { useSession } from "./session.ts";

// The charts library weighs more than the rest of the app: only the benchmark page loads it.
const Benchmarks = lazy(() => import("./pages/Benchmarks.tsx").then((m) => ({ default: m.Benchmarks })));

function SignOut({ csrf }: { csrf: string }) {
  return (
    <form
      method="post"
      action="/deconnexion"
      onSubmit={(e) => {
        // The server wants the CSRF token as a header: a plain form cannot send one.
        e.preventDefault();
        void fetch("/deconnexion", { method: "POST", headers: { "x-pilotis-csrf": csrf }, credentials: "same-origin" }).then(() => window.location.assign("/"));
      }}
    >
      <button type="submit" className="link-button">
        Se déconnecter
      </button>
    </form>
  );
}

export function App() {
  const session = useSession();
  return (
    <>
      <a className="skip" href="#contenu">
        Aller au contenu
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          Pilotis
        </Link>
        <nav aria-label="Navigation principale">
          <ul>
            <li>
              <Link href="/">Collectivités</Link>
            </li>
            <li>
              <Link href="/parangonnage">Parangonnage</Link>
            </li>
            <li>{session.signedIn ? <SignOut csrf={session.csrf} /> : <Link href="/connexion">Se connecter</Link>}</li>
          </ul>
        </nav>
        {session.signedIn && <p className="who">Connecté : {session.subject}</p>}
      </header>
      <main id="contenu" tabIndex={-1}>
        <Switch>
          <Route path="/" component={Home} />
          <Route path="/collectivites/:id">{(params) => <CollectivityPage id={params.id} />}</Route>
          <Route path="/matrices/:id/rapport">{(params) => <Report id={params.id} />}</Route>
          <Route path="/matrices/:id">{(params) => <MatrixPage id={params.id} />}</Route>
          <Route path="/parangonnage">
            <Suspense fallback={<p aria-live="polite">Chargement…</p>}>
              <Benchmarks />
            </Suspense>
          </Route>
          <Route path="/connexion" component={SignIn} />
          <Route>
            <h1>Page introuvable</h1>
            <p>
              <Link href="/">Revenir à la liste des collectivités</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}
