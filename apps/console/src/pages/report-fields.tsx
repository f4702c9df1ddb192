import { type ReactNode, useState } from 'react';
import { reportText } from '../text/report';
import { parseKroner } from '../ui/format';
import { FieldProblem, useField, useLocalProblem } from './report-form';
import { type FieldPath, parseDecimal } from './report-model';

const words = reportText;

interface FieldProps {
  path: FieldPath;
  label: string;
  hint?: string | undefined;
}

function FieldFrame({
  label,
  id,
  hint,
  hintId,
  problem,
  problemId,
  className,
  children,
}: {
  label: string;
  id: string;
  hint: string | undefined;
  hintId: string;
  problem: string | null;
  problemId: string;
  className?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`report-field${problem ? ' has-problem' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p id={hintId} className="small muted field-hint">
          {hint}
        </p>
      ) : null}
      <FieldProblem id={problemId} problem={problem} />
    </div>
  );
}

export function TextField({
  path,
  label,
  hint,
  value,
  onChange,
  required = false,
  multiline = false,
  onLeave,
  className,
}: FieldProps & {
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  multiline?: boolean;
  /** After the field is left, e.g. to sort the items by the section just typed. */
  onLeave?: () => void;
  className?: string;
}) {
  const field = useField(path, hint !== undefined);
  const props = {
    ...field.inputProps,
    value,
    required,
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
    onBlur: () => {
      field.inputProps.onBlur();
      onLeave?.();
    },
  };
  return (
    <FieldFrame label={label} hint={hint} {...field} className={className}>
      {multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
    </FieldFrame>
  );
}

export function SelectField<Value extends string>({
  path,
  label,
  hint,
  value,
  options,
  onChange,
  className,
  after,
}: FieldProps & {
  value: Value | '';
  options: readonly { value: Value | ''; label: string }[];
  onChange: (value: Value | '') => void;
  className?: string;
  /** Shown beside the select, e.g. the grade as a coloured badge. */
  after?: ReactNode;
}) {
  const field = useField(path, hint !== undefined);
  return (
    <FieldFrame label={label} hint={hint} {...field} className={className}>
      <span className="select-with-badge">
        <select {...field.inputProps} value={value} onChange={(event) => onChange(event.target.value as Value | '')}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {after}
      </span>
    </FieldFrame>
  );
}

/** Kroner as people write them: `4 250 000`, or `4 250 000,50` when there are øre. */
const wholeKroner = new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 0 });
const kronerAndOre = new Intl.NumberFormat('nb-NO', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const typedKroner = (ore: number | undefined) =>
  ore === undefined ? '' : (ore % 100 === 0 ? wholeKroner : kronerAndOre).format(ore / 100);
/** `4 250 000 kr` is a sum too. */
const kronerOf = (typed: string) => parseKroner(typed.replace(/\s*kr\.?\s*$/i, ''));

/** Kroner typed, øre kept: what is not a sum yet stays in the field, said as a problem, and is not saved. */
export function KronerField({
  path,
  label,
  hint,
  ore,
  onChange,
  required = false,
}: FieldProps & { ore: number | undefined; onChange: (ore: number | undefined) => void; required?: boolean }) {
  const [typed, setTyped] = useState(() => typedKroner(ore));
  const parsed = kronerOf(typed);
  const ownProblem =
    typed.trim() === ''
      ? required
        ? words.valuation.requiredKroner
        : null
      : parsed === null
        ? words.valuation.invalidKroner
        : null;
  useLocalProblem(path, ownProblem !== null);
  const field = useField(path, hint !== undefined);
  const problem = ownProblem ?? field.problem;
  return (
    <FieldFrame label={label} hint={hint} {...field} problem={problem}>
      <input
        type="text"
        inputMode="decimal"
        autoComplete="off"
        {...field.inputProps}
        aria-invalid={problem ? true : undefined}
        aria-describedby={
          [hint ? field.hintId : '', problem ? field.problemId : ''].filter(Boolean).join(' ') || undefined
        }
        required={required}
        value={typed}
        onChange={(event) => {
          const next = event.target.value;
          setTyped(next);
          const value = kronerOf(next);
          if (value !== null) onChange(value);
          else if (next.trim() === '' && !required) onChange(undefined);
        }}
        onBlur={() => {
          field.inputProps.onBlur();
          if (parsed !== null) setTyped(typedKroner(parsed));
        }}
      />
    </FieldFrame>
  );
}

/** Square metres, typed with a comma or a point. */
export function DecimalField({
  path,
  label,
  hint,
  value,
  onChange,
}: FieldProps & { value: number; onChange: (value: number) => void }) {
  const [typed, setTyped] = useState(() => String(value).replace('.', ','));
  const ownProblem = parseDecimal(typed) === null ? words.areas.invalidNumber : null;
  useLocalProblem(path, ownProblem !== null);
  const field = useField(path, hint !== undefined);
  const problem = ownProblem ?? field.problem;
  return (
    <FieldFrame label={label} hint={hint} {...field} problem={problem}>
      <input
        type="text"
        inputMode="decimal"
        autoComplete="off"
        {...field.inputProps}
        aria-invalid={problem ? true : undefined}
        aria-describedby={
          [hint ? field.hintId : '', problem ? field.problemId : ''].filter(Boolean).join(' ') || undefined
        }
        value={typed}
        onChange={(event) => {
          setTyped(event.target.value);
          const parsed = parseDecimal(event.target.value);
          if (parsed !== null) onChange(parsed);
        }}
      />
    </FieldFrame>
  );
}
