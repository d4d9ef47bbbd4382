// A one-click write on a list row or a detail (revoke, issue, suspend): a button that shows it is
// busy, and the API's problem next to it when the write is refused.
import { useState } from 'react';
import { ApiError } from '../api/client';

export interface RowActionProps {
  label: string;
  /** the accessible name when the visible label alone is ambiguous in a table ("Revoke key CI") */
  ariaLabel?: string;
  run(): Promise<unknown>;
  onDone?(): void;
  secondary?: boolean;
}

export function RowAction({ label, ariaLabel, run, onDone, secondary = true }: RowActionProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  async function click() {
    setPending(true);
    setError(undefined);
    try {
      await run();
      onDone?.();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <span className="row-action">
      <button type="button" className={secondary ? 'secondary' : undefined} aria-label={ariaLabel} disabled={pending} onClick={click}>
        {pending ? `${label}…` : label}
      </button>
      {error && (
        <span role="alert" className="form-error">
          {' '}
          {error}
        </span>
      )}
    </span>
  );
}
