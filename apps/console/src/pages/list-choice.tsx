import { useId } from 'react';
import { text } from '../text';

export interface Choice<T extends string> {
  value: T;
  label: string;
}

export interface Preset<T extends string> {
  key: string;
  label: string;
  values: readonly T[];
}

interface ChoiceFilterProps<T extends string> {
  label: string;
  allLabel: string;
  severalLabel: string;
  choices: readonly Choice<T>[];
  presets?: readonly Preset<T>[];
  selected: readonly T[] | undefined;
  onChange: (values: T[] | undefined) => void;
}

const PRESET = 'preset:';
const CUSTOM = 'custom';

const sameSet = <T,>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((item) => b.includes(item));

/**
 * One of a filter's values, a preset group, or all, in a select; any mix of them with the
 * checkboxes below it. The API takes a list, the select is the quick way to one.
 */
export function ChoiceFilter<T extends string>({
  label,
  allLabel,
  severalLabel,
  choices,
  presets = [],
  selected,
  onChange,
}: ChoiceFilterProps<T>) {
  const selectId = useId();
  const chosen = selected ?? [];
  const preset = presets.find((candidate) => sameSet(candidate.values, chosen));
  const selectValue =
    chosen.length === 0 ? '' : preset ? PRESET + preset.key : chosen.length === 1 ? (chosen[0] as string) : CUSTOM;
  const labelOf = (value: T) => choices.find((choice) => choice.value === value)?.label ?? value;

  const choose = (value: string) => {
    if (value === '') onChange(undefined);
    else if (value.startsWith(PRESET)) onChange([...(presets.find((p) => PRESET + p.key === value)?.values ?? [])]);
    else if (value !== CUSTOM) onChange([value as T]);
  };
  const toggle = (value: T, on: boolean) => {
    const next = on ? [...chosen, value] : chosen.filter((item) => item !== value);
    onChange(next.length > 0 ? choices.map((choice) => choice.value).filter((item) => next.includes(item)) : undefined);
  };

  return (
    <div className="list-choice">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} value={selectValue} onChange={(event) => choose(event.target.value)}>
        <option value="">{allLabel}</option>
        {presets.map((candidate) => (
          <option key={candidate.key} value={PRESET + candidate.key}>
            {candidate.label}
          </option>
        ))}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
        {selectValue === CUSTOM ? (
          <option value={CUSTOM}>{text.list.severalChosen(chosen.map(labelOf).join(', '))}</option>
        ) : null}
      </select>
      <details className="list-several">
        <summary>{severalLabel}</summary>
        <fieldset>
          <legend className="visually-hidden">{severalLabel}</legend>
          {choices.map((choice) => (
            <label key={choice.value} className="list-check">
              <input
                type="checkbox"
                checked={chosen.includes(choice.value)}
                onChange={(event) => toggle(choice.value, event.target.checked)}
              />
              {choice.label}
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}
