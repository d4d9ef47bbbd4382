// Loads one API object for a page (`GET path`), with reload after a write.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  reload(): void;
}

export function useResource<T>(path: string | null): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setError(undefined);
    api
      .get<T>(path, { signal: controller.signal })
      .then(setData)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      });
    return () => controller.abort();
  }, [path, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload };
}
