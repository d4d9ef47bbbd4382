// A form that submits to the API and shows its answer: field errors next to each <Field>, any
// other problem (and field errors no <Field> shows) above the submit button, and a busy button
// while the request runs. Fields are uncontrolled; `onSubmit` gets the form's values by name.
import { createContext, useCallback, useContext, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, fieldMatches, newIdempotencyKey } from '../api/client';
import { Progress } from './progress';

interface FormState {
  error: ApiError | null;
  pending: boolean;
  /** a Field announces the error path it shows, so the form does not repeat that message */
  register(errorField: string): () => void;
}

const FormStateContext = createContext<FormState>({ error: null, pending: false, register: () => () => undefined });

export function useFormState(): FormState {
  return useContext(FormStateContext);
}

export type FormValues = Record<string, string>;

export interface ApiFormProps<T> {
  /**
   * Calls the API. `idempotencyKey` stays the same while a try's outcome is unknown (the network
   * failed, a 5xx), so a retry acts at most once; after an answer — success or refusal — the next
   * submission gets a new one.
   */
  onSubmit(values: FormValues, idempotencyKey: string): Promise<T>;
  onSuccess?(result: T, form: HTMLFormElement): void;
  submitLabel: string;
  /** accessible name of the form (a heading's text is a good one) */
  label?: string;
  /** clear the fields after success (create forms) */
  resetOnSuccess?: boolean;
  /** said (role=status) while the request runs, for a write the user waits on (a payout) */
  progressLabel?: string;
  children?: ReactNode;
}

/** A refusal the API gave for good; not a network failure or a 5xx, nor the first try still running (409). */
function answeredForGood(err: ApiError): boolean {
  return err.status >= 400 && err.status < 500 && err.code !== 'IDEMPOTENCY_REQUEST_IN_FLIGHT';
}

export function ApiForm<T>({ onSubmit, onSuccess, submitLabel, label, resetOnSuccess, progressLabel, children }: ApiFormProps<T>) {
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const idempotencyKey = useRef(newIdempotencyKey());
  const shown = useRef(new Map<string, number>());

  const register = useCallback((errorField: string) => {
    shown.current.set(errorField, (shown.current.get(errorField) ?? 0) + 1);
    return () => {
      const count = (shown.current.get(errorField) ?? 1) - 1;
      if (count <= 0) shown.current.delete(errorField);
      else shown.current.set(errorField, count);
    };
  }, []);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values: FormValues = {};
    new FormData(form).forEach((value, key) => {
      if (typeof value === 'string') values[key] = value;
    });
    setError(null);
    setPending(true);
    try {
      const result = await onSubmit(values, idempotencyKey.current);
      idempotencyKey.current = newIdempotencyKey();
      setPending(false);
      if (resetOnSuccess) form.reset();
      onSuccess?.(result, form);
    } catch (err) {
      // the gateway keeps a 4xx under its key and replays it: the corrected values (or the same ones
      // later, once the wallet has the money) would get that refusal again, or 422 IDEMPOTENCY_KEY_REUSED
      if (err instanceof ApiError && answeredForGood(err)) idempotencyKey.current = newIdempotencyKey();
      setError(err instanceof ApiError ? err : new ApiError({ status: 0, code: 'CONSOLE_ERROR', title: err instanceof Error ? err.message : String(err) }));
      setPending(false);
    }
  }

  const unshown = error ? error.fieldErrors.filter((e) => ![...shown.current.keys()].some((name) => fieldMatches(e.field, name))) : [];
  return (
    <FormStateContext.Provider value={{ error, pending, register }}>
      <form onSubmit={handleSubmit} aria-label={label} noValidate aria-busy={pending}>
        {children}
        {error && (
          <div role="alert" className="form-error">
            <p>{error.message}</p>
            {unshown.length > 0 && (
              <ul>
                {unshown.map((e) => (
                  <li key={e.field}>
                    {e.field.replace(/^body\./, '')}: {e.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <button type="submit" disabled={pending}>
          {pending ? `${submitLabel}…` : submitLabel}
        </button>
        {pending && progressLabel && <Progress label={progressLabel} />}
      </form>
    </FormStateContext.Provider>
  );
}
