import type { CombinedError } from "urql";

/** The contract's error code of a failed operation (CONFLICT, BAD_USER_INPUT…), if any. */
export const errorCode = (error: CombinedError | undefined): string | undefined =>
  error?.graphQLErrors.find((e) => e.extensions?.code)?.extensions.code as string | undefined;

/** The fields a form sends, as the person saw them labelled. */
const FIELD_LABELS: Record<string, string> = {
  label: "Libellé",
  title: "Intitulé",
  weight: "Poids",
  rating: "Note",
  reason: "Raison",
  factorKey: "Facteur",
  asOf: "Date",
  email: "Adresse électronique",
};

/** A failed operation in words a person reads. */
export function errorMessage(error: CombinedError): string {
  switch (errorCode(error)) {
    case "CONFLICT":
      return "La matrice a été modifiée entre-temps, ailleurs : voici son état à jour. Refaites votre modification si elle a encore lieu d'être.";
    case "FORBIDDEN":
    case "UNAUTHENTICATED":
      return "Vous n'avez pas le droit de faire cette modification.";
    case "INVALID_TRANSITION":
      return "Ce changement n'est pas possible dans l'état actuel de la matrice.";
    case "NOT_FOUND":
      return "Introuvable : l'élément n'existe pas, ou vous n'avez pas le droit de le lire.";
    case "STALE":
      return "Le serveur met à jour ses vues : réessayez dans un instant.";
    case "BAD_USER_INPUT": {
      // The API explains in English, for developers: a person reads which field was refused.
      const field = error.graphQLErrors.find((e) => e.extensions?.field)?.extensions.field;
      return field ? `Saisie refusée : vérifiez le champ « ${FIELD_LABELS[String(field)] ?? field} ».` : "Saisie refusée : vérifiez ce que vous avez saisi.";
    }
    default:
      return error.networkError ? "Le serveur ne répond pas. Réessayez dans un instant." : "La demande a échoué. Réessayez dans un instant.";
  }
}
