import { type ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Principal } from "../../auth/principal.ts";
import type { RevocationWatcher } from "../../auth/revocations.ts";
import type { Context } from "../context.ts";
import { wrapStream } from "./stream.ts";

// setTimeout's limit: a later expiry is watched for no longer than this,
// which is longer than any subscription is open.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A subscription lives only as long as the token that opened it: when the
 * token is revoked (in any process) or expires, its subscriptions end with
 * one last UNAUTHENTICATED error, over SSE and WebSocket alike.
 */
export function useEndSubscriptionsOfLostTokens(revocations: RevocationWatcher): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const principal = (args.contextValue as Context).principal;
      if (!principal) return;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(untilTokenLost(result, principal, revocations));
        },
      };
    },
  };
}

function untilTokenLost(results: AsyncIterable<ExecutionResult>, principal: Principal, revocations: RevocationWatcher): AsyncIterableIterator<ExecutionResult> {
  let lose!: (why: string) => void;
  const lost = new Promise<ExecutionResult>((resolve) => {
    lose = (why) => resolve({ errors: [new GraphQLError(`${why}: subscription ended`, { extensions: { code: "UNAUTHENTICATED" } })] });
  });
  const stopListening = revocations.onRevoked((tokenId) => {
    if (tokenId === principal.tokenId) lose("this token was revoked");
  });
  const expiresIn = principal.expiresAt ? principal.expiresAt.getTime() - Date.now() : null;
  const timer = expiresIn === null ? null : setTimeout(() => lose("this token has expired"), Math.max(0, Math.min(expiresIn, MAX_TIMER_MS)));
  return wrapStream(results, {
    stop: lost,
    onEnd: () => {
      stopListening();
      if (timer) clearTimeout(timer);
    },
  });
}
