import type { InputHTMLAttributes, ReactNode } from 'react';

/** A labelled field: label, control, and an optional help line the control points to. */
export function Field(props: { id: string; label: ReactNode; help?: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.help && (
        <p id={helpId(props.id)} className="muted small">
          {props.help}
        </p>
      )}
    </div>
  );
}

/** The id of a field's help line, for the control's aria-describedby. */
export function helpId(id: string): string {
  return `${id}-help`;
}

type TextInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  value: string;
  onChange: (value: string) => void;
};

/** A monospace text box for names, ids and paths: no spell checking, the value as a string. */
export function TextInput({ value, onChange, className = 'input mono', ...rest }: TextInputProps) {
  return (
    <input
      className={className}
      spellCheck={false}
      {...rest}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** A labelled text box; its help line, when given, is what a screen reader reads with it. */
export function TextField({
  id,
  label,
  help,
  ...input
}: TextInputProps & { id: string; label: ReactNode; help?: ReactNode }) {
  return (
    <Field id={id} label={label} help={help}>
      <TextInput id={id} {...(help ? { 'aria-describedby': helpId(id) } : {})} {...input} />
    </Field>
  );
}

/**
 * A read-only path with a button that opens main's file dialog: file paths come only from main's
 * own dialogs (the IPC contract refuses a path typed in a page), so the box only shows the choice.
 */
export function PathInput(props: {
  id: string;
  value: string;
  onChoose: () => void;
  chooseLabel?: string;
  /** Shown only while a path is set. */
  onClear?: () => void;
  clearLabel?: string;
  clearAriaLabel?: string;
  placeholder?: string;
  describedBy?: string;
}) {
  return (
    <>
      <input
        id={props.id}
        type="text"
        className="input mono"
        value={props.value}
        readOnly
        {...(props.placeholder ? { placeholder: props.placeholder } : {})}
        {...(props.describedBy ? { 'aria-describedby': props.describedBy } : {})}
      />
      <button type="button" className="button" onClick={props.onChoose}>
        {props.chooseLabel ?? 'Choose…'}
      </button>
      {props.onClear && props.value && (
        <button
          type="button"
          className="button"
          onClick={props.onClear}
          {...(props.clearAriaLabel ? { 'aria-label': props.clearAriaLabel } : {})}
        >
          {props.clearLabel ?? 'Clear'}
        </button>
      )}
    </>
  );
}

/** A checkbox with its text, the whole line clickable. */
export function CheckField(props: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  id?: string;
  /** The id of a help line read with the box. */
  describedBy?: string;
  children: ReactNode;
}) {
  return (
    <label className="check" htmlFor={props.id}>
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
        {...(props.describedBy ? { 'aria-describedby': props.describedBy } : {})}
      />
      <span>{props.children}</span>
    </label>
  );
}
