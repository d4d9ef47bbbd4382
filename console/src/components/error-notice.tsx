// An API failure outside a form (a list or a detail that failed to load, an action button).
import { ApiError } from '../api/client';

export function ErrorNotice({ error }: { error: unknown }) {
  const message = error instanceof ApiError ? error.message : 'Something went wrong.';
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <p role="alert" className="form-error">
      {message}
      {code && <span className="error-code"> ({code})</span>}
    </p>
  );
}
