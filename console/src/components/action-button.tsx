// A button that performs one API write (cancel, replay, mark read…): busy while it runs, the
// problem's message next to it when it fails, and `onDone` after it succeeded.
import { useState } from 'react';
import { ApiError } from '../api/client';

export interface ActionButtonProps {
  label: string;
  /** accessible name when the visible label is ambiguous in a list ("Replay delivery 3f2a…") */
  ariaLabel?: string;
  action(): Promise<unknown>;
  onDone?(): void;
  /** asks before acting (destructive actions) */
  confirm?: string;
  className?: string;
}

export function ActionButton({ label, ariaLabel, action, onDone, confirm, className }: ActionButtonProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    if (confirm && !window.confirm(confirm)) return;
    setPending(true);
    setError(null);
    try {
      await action();
      onDone?.();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong.');
    } finally {
      setPending(false);
    }
  }

  return (
    <span className="action">
      <button type="button" className={className} onClick={run} disabled={pending} aria-label={ariaLabel}>
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
