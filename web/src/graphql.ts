import type { CombinedError } from "urql";

/** The contract's error code of a failed operation (CONFLICT, BAD_USER_INPUT…), if any. */
export const errorCode = (error: CombinedError | undefined): string | undefined =>
  error?.graphQLErrors.find((e) => e.extensions?.code)?.extensions.code as string | undefined;

/** A failed operation in words a person reads. */
export function errorMessage(error: CombinedError): string {
  switch (errorCode(error)) {
    case "CONFLICT":
      return "La matrice a été modifiée entre-temps, ailleurs : voici son état à jour. Refaites votre modification si elle a encore lieu d'être.";
    case "FORBIDDEN":
    case "UNAUTHENTICATED":
      return "Vous n'avez pas le droit de faire cette modification.";
    case "INVALID_TRANSITION":
      return `Ce changement n'est pas possible dans l'état actuel : ${error.graphQLErrors[0]?.message ?? ""}`;
    case "BAD_USER_INPUT":
      return `Saisie refusée : ${error.graphQLErrors[0]?.message ?? ""}`;
    default:
      return error.networkError ? "Le serveur ne répond pas. Réessayez dans un instant." : (error.graphQLErrors[0]?.message ?? error.message);
  }
}
