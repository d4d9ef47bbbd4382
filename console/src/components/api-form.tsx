// A form that submits to the API and shows its answer: field errors next to each <Field>, any
// other problem above the submit button, and a busy button while the request runs.
// Fields are uncontrolled; `onSubmit` gets the form's values by name (FormData).
import { createContext, useContext, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, newIdempotencyKey } from '../api/client';

interface FormState {
  error: ApiError | null;
  pending: boolean;
}

const FormStateContext = createContext<FormState>({ error: null, pending: false });

export function useFormState(): FormState {
  return useContext(FormStateContext);
}

export type FormValues = Record<string, string>;

export interface ApiFormProps<T> {
  /** Calls the API. `idempotencyKey` stays the same while the user retries the same submission. */
  onSubmit(values: FormValues, idempotencyKey: string): Promise<T>;
  onSuccess?(result: T, form: HTMLFormElement): void;
  submitLabel: string;
  /** accessible name of the form (a heading's text is a good one) */
  label?: string;
  /** clear the fields after success (create forms) */
  resetOnSuccess?: boolean;
  children: ReactNode;
}

export function ApiForm<T>({ onSubmit, onSuccess, submitLabel, label, resetOnSuccess, children }: ApiFormProps<T>) {
  const [state, setState] = useState<FormState>({ error: null, pending: false });
  const idempotencyKey = useRef(newIdempotencyKey());

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values: FormValues = {};
    new FormData(form).forEach((value, key) => {
      if (typeof value === 'string') values[key] = value;
    });
    setState({ error: null, pending: true });
    try {
      const result = await onSubmit(values, idempotencyKey.current);
      idempotencyKey.current = newIdempotencyKey();
      setState({ error: null, pending: false });
      if (resetOnSuccess) form.reset();
      onSuccess?.(result, form);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError({ status: 0, code: 'CONSOLE_ERROR', title: String(err) });
      setState({ error, pending: false });
    }
  }

  // The problem's detail (or title) above the button; field messages also sit next to their fields.
  const general = state.error?.message;
  return (
    <FormStateContext.Provider value={state}>
      <form onSubmit={handleSubmit} aria-label={label} noValidate aria-busy={state.pending}>
        {children}
        {general && (
          <p role="alert" className="form-error">
            {general}
          </p>
        )}
        <button type="submit" disabled={state.pending}>
          {state.pending ? `${submitLabel}…` : submitLabel}
        </button>
      </form>
    </FormStateContext.Provider>
  );
}
