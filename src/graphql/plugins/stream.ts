/**
 * Wraps a subscription's stream of results. Not an async generator on
 * purpose: a generator waiting on its source's next() cannot take return()
 * until that source yields, so a client that leaves a quiet subscription
 * would never be let go. Here return() ends the source at once.
 *
 * `onEnd` runs once, however the stream ends; when `stop` settles first, its
 * value is delivered as the last result.
 */
export function wrapStream<T>(source: AsyncIterable<T>, options: { onEnd: () => void; stop?: Promise<T> }): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!ended) {
      ended = true;
      options.onEnd();
      await iterator.return?.();
    }
    return { done: true, value: undefined };
  };
  const stopped = options.stop?.then((last) => ({ stopped: last }));
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      if (ended) return { done: true, value: undefined };
      const result = stopped ? await Promise.race([iterator.next(), stopped]) : await iterator.next();
      if ("stopped" in result) {
        await end();
        return { done: false, value: result.stopped };
      }
      if (result.done) return end();
      return result;
    },
    return: end,
    async throw(error: unknown) {
      await end();
      throw error;
    },
  };
}
