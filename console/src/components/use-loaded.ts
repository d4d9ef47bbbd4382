// One GET whose answer a page needs whole (a detail, the options of a select): loads it, and loads
// it again when `reloadKey` changes. Lists a user pages through use <PagedList> instead.
import { useEffect, useState } from 'react';
import { api, type Query } from '../api/client';

export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
}

export function useLoaded<T>(path: string | null, query?: Query, reloadKey?: unknown): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ value: undefined, error: undefined });
  const queryKey = JSON.stringify(query ?? {});

  useEffect(() => {
    if (path === null) return undefined;
    const controller = new AbortController();
    api
      .get<T>(path, { query: JSON.parse(queryKey) as Query, signal: controller.signal })
      .then((value) => setState({ value, error: undefined }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ value: undefined, error });
      });
    return () => controller.abort();
  }, [path, queryKey, reloadKey]);

  return state;
}
