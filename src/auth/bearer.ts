const BEARER = /^Bearer\s+(\S+)$/i;

/** The token in an `Authorization: Bearer …` header, or null. */
export const bearerToken = (header: string | null | undefined): string | null => BEARER.exec(header ?? "")?.[1] ?? null;
