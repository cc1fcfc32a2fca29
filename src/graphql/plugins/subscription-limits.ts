import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import { wrapStream } from "./stream.ts";

/**
 * Open subscriptions cost memory and a share of every publication: at most
 * `perToken` per token and `total` in this process. One over either limit
 * is refused with RATE_LIMITED; the others are left alone.
 */
export function useSubscriptionLimits(limits: { perToken: number; total: number }): Plugin<Context> {
  const open = new Map<string, number>();
  let total = 0;
  const release = (tokenId: string) => {
    total--;
    const left = (open.get(tokenId) ?? 1) - 1;
    if (left > 0) open.set(tokenId, left);
    else open.delete(tokenId);
  };
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const principal = (args.contextValue as Context).principal;
      if (!principal) return; // refused by the resolver: a subscription needs a token
      const mine = open.get(principal.tokenId) ?? 0;
      const refusal =
        mine >= limits.perToken
          ? `this token already has ${mine} open subscriptions, the most one token may hold; close some first`
          : total >= limits.total
            ? "this server holds as many open subscriptions as it may; try again later"
            : null;
      if (refusal) {
        setResultAndStopExecution({ errors: [new GraphQLError(refusal, { extensions: { code: "RATE_LIMITED" } })] });
        return;
      }
      open.set(principal.tokenId, mine + 1);
      total++;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(wrapStream(result, { onEnd: () => release(principal.tokenId) }));
          else release(principal.tokenId);
        },
      };
    },
  };
}
