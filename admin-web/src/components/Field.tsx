import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { asSentence } from '../errors';

interface Common {
  label: string;
  name: string;
  hint?: ReactNode;
  /** Messages about this field (from the API's problems or from the form's own checks). */
  errors?: string[];
}

/** Label, hint and error wired to the control with for/id and aria-describedby. */
function useFieldIds(name: string, id: string | undefined, hint: ReactNode, errors: string[] | undefined) {
  const auto = useId();
  const controlId = id ?? `${auto}${name}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = errors?.length ? `${controlId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return { controlId, hintId, errorId, describedBy };
}

function FieldShell({
  label,
  controlId,
  hint,
  hintId,
  errors,
  errorId,
  children,
}: Pick<Common, 'label' | 'hint' | 'errors'> & {
  controlId: string;
  hintId?: string;
  errorId?: string;
  children: ReactNode;
}) {
  return (
    <div className={errors?.length ? 'field field--invalid' : 'field'}>
      <label htmlFor={controlId}>{label}</label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={errorId} className="field__error">
          {errors.map(asSentence).join(' ')}
        </p>
      ) : null}
      {children}
    </div>
  );
}

export function TextField({
  label,
  name,
  hint,
  errors,
  id,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement>) {
  const ids = useFieldIds(name, id, hint, errors);
  return (
    <FieldShell label={label} hint={hint} errors={errors} {...ids}>
      <input
        id={ids.controlId}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </FieldShell>
  );
}

export function TextAreaField({
  label,
  name,
  hint,
  errors,
  id,
  ...area
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(name, id, hint, errors);
  return (
    <FieldShell label={label} hint={hint} errors={errors} {...ids}>
      <textarea
        id={ids.controlId}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={ids.describedBy}
        {...area}
      />
    </FieldShell>
  );
}
