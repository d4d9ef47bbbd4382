// One form field: its label, the control, an optional hint, and the API's error for it right
// below (linked with aria-describedby so a screen reader reads it with the field).
import { useEffect, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useFormState } from './api-form';

interface FieldBase {
  /** the value's key in the form and in the API's `body.<name>` error path */
  name: string;
  label: string;
  hint?: ReactNode;
  /** when the API names the field differently from `name` (e.g. `body.maxCost.amount`) */
  errorField?: string;
}

type InputField = FieldBase & { as?: 'input' } & Omit<InputHTMLAttributes<HTMLInputElement>, 'name'>;
type TextareaField = FieldBase & { as: 'textarea' } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name'>;
type SelectField = FieldBase & { as: 'select'; options: { value: string; label: string }[] } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name'>;

export type FieldProps = InputField | TextareaField | SelectField;

export function Field(props: FieldProps) {
  const id = useId();
  const { error, register } = useFormState();
  const errorField = props.errorField ?? props.name;
  useEffect(() => register(errorField), [register, errorField]);
  const message = error?.messageFor(errorField);
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = message ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = { id, name: props.name, 'aria-invalid': message ? true : undefined, 'aria-describedby': describedBy };

  let control: ReactNode;
  if (props.as === 'textarea') {
    const { as: _as, label: _l, hint: _h, errorField: _e, name: _n, ...rest } = props;
    control = <textarea {...rest} {...common} />;
  } else if (props.as === 'select') {
    const { as: _as, label: _l, hint: _h, errorField: _e, name: _n, options, ...rest } = props;
    control = (
      <select {...rest} {...common}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else {
    const { as: _as, label: _l, hint: _h, errorField: _e, name: _n, ...rest } = props;
    control = <input {...rest} {...common} />;
  }

  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {control}
      {props.hint && (
        <p id={hintId} className="field-hint">
          {props.hint}
        </p>
      )}
      {message && (
        <p id={errorId} className="field-error">
          {message}
        </p>
      )}
    </div>
  );
}
