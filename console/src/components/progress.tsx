// Long operations (a job running, an order being fulfilled, a payout): a visible, announced
// progress indicator, and a hook that polls the API until the operation is done.
import { useEffect, useRef, useState } from 'react';

export function Progress({ label, value, max }: { label: string; value?: number; max?: number }) {
  return (
    <div className="progress" role="status">
      <progress aria-label={label} value={value} max={max} />
      <span>{label}</span>
    </div>
  );
}

/**
 * Calls `load` now and every `intervalMs` until `done(result)` holds (or the component goes away).
 * Returns the latest result, the last error, and whether it is still polling.
 */
export function usePoll<T>(load: () => Promise<T>, done: (value: T) => boolean, intervalMs = 1000, deps: unknown[] = []) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [polling, setPolling] = useState(true);
  const loadRef = useRef(load);
  const doneRef = useRef(done);
  loadRef.current = load;
  doneRef.current = done;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setPolling(true);
    const tick = async () => {
      try {
        const next = await loadRef.current();
        if (stopped) return;
        setValue(next);
        setError(undefined);
        if (doneRef.current(next)) {
          setPolling(false);
          return;
        }
      } catch (err) {
        if (stopped) return;
        setError(err);
      }
      timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- callers pass what should restart polling
  }, [intervalMs, ...deps]);

  return { value, error, polling };
}
