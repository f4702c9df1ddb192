import type { RouterInputs } from '@takst/sdk';
import { useState } from 'react';
import { text } from '../text';
import { formatKroner, parseKroner } from '../ui/format';

export type Content = RouterInputs['reports']['updateDraft']['content'];
type Condition = Extract<Content, { kind: 'condition' }>;
type Item = Condition['items'][number];
type Valuation = Extract<Content, { kind: 'valuation' }>;
type Area = Valuation['areas'][number];
type Energy = Extract<Content, { kind: 'energy' }>;

const words = text.rapport;
const GRADES = ['TG0', 'TG1', 'TG2', 'TG3', 'TGIU'] as const;
const AREA_KINDS = ['BRA-i', 'BRA-e', 'BRA-b', 'TBA', 'ALH'] as const;
const ENERGY_GRADES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
const HEATING_GRADES = ['red', 'orange', 'yellow', 'light_green', 'dark_green'] as const;

/** What the server keeps but does not take back (a condition report's derived summary) is left out. */
export function editable(stored: unknown): Content {
  const { summary: _derived, ...content } = stored as Content & { summary?: unknown };
  return content as Content;
}

/** The content a new report of this kind starts with. */
export function emptyContent(kind: Content['kind']): Content {
  if (kind === 'condition') return { kind, standardVersion: 'NS3600:2018', items: [] };
  if (kind === 'valuation') return { kind, values: { marketValue: 0 }, areas: [] };
  if (kind === 'energy') return { kind, energyGrade: 'C', heatingGrade: 'yellow' };
  return { kind, areas: [] };
}

interface EditorProps<T> {
  content: T;
  onChange: (content: T) => void;
  readOnly: boolean;
}

function ConditionItem({
  item,
  index,
  onChange,
  onRemove,
  readOnly,
}: {
  item: Item;
  index: number;
  onChange: (item: Item) => void;
  onRemove: () => void;
  readOnly: boolean;
}) {
  const set = (patch: Partial<Item>) => onChange({ ...item, ...patch });
  const optional = (value: string) => (value === '' ? undefined : value);
  return (
    <fieldset className="card report-item" disabled={readOnly}>
      <legend>
        {words.condition.item(index + 1)}: {item.buildingPart || '…'}
      </legend>
      <div className="grid-3">
        <label>
          {words.condition.section}
          <input value={item.section} required onChange={(event) => set({ section: event.target.value })} />
        </label>
        <label>
          {words.condition.buildingPart}
          <input value={item.buildingPart} required onChange={(event) => set({ buildingPart: event.target.value })} />
        </label>
        <label>
          {words.condition.room}
          <input value={item.room ?? ''} onChange={(event) => set({ room: optional(event.target.value) })} />
        </label>
      </div>
      <label>
        {words.condition.grade}
        <select value={item.grade} onChange={(event) => set({ grade: event.target.value as Item['grade'] })}>
          {GRADES.map((grade) => (
            <option key={grade} value={grade}>
              {words.grades[grade]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {words.condition.description}
        <textarea rows={2} value={item.description} onChange={(event) => set({ description: event.target.value })} />
      </label>
      <label>
        {words.condition.deviation}
        <textarea
          rows={2}
          value={item.deviation ?? ''}
          onChange={(event) => set({ deviation: optional(event.target.value) })}
        />
      </label>
      <label>
        {words.condition.consequence}
        <textarea
          rows={2}
          value={item.consequence ?? ''}
          onChange={(event) => set({ consequence: optional(event.target.value) })}
        />
      </label>
      {readOnly ? null : (
        <button type="button" className="button-quiet" onClick={onRemove}>
          {words.condition.remove}
        </button>
      )}
    </fieldset>
  );
}

function ConditionEditor({ content, onChange, readOnly }: EditorProps<Condition>) {
  const setItems = (items: Item[]) => onChange({ ...content, items });
  return (
    <section aria-labelledby="items-title">
      <h2 id="items-title">{words.condition.items}</h2>
      {content.items.map((item, index) => (
        <ConditionItem
          // Items have no id of their own; their place is who they are while editing.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list changes only by this editor
          key={index}
          item={item}
          index={index}
          readOnly={readOnly}
          onChange={(changed) => setItems(content.items.map((other, at) => (at === index ? changed : other)))}
          onRemove={() => setItems(content.items.filter((_, at) => at !== index))}
        />
      ))}
      {readOnly ? null : (
        <button
          type="button"
          className="button-secondary"
          onClick={() => setItems([...content.items, { section: '', buildingPart: '', grade: 'TG1', description: '' }])}
        >
          {words.condition.add}
        </button>
      )}
    </section>
  );
}

function KronerField({
  label,
  ore,
  onChange,
  readOnly,
}: {
  label: string;
  ore: number | undefined;
  onChange: (ore: number | undefined) => void;
  readOnly: boolean;
}) {
  const [typed, setTyped] = useState(ore === undefined ? '' : String(ore / 100));
  const [invalid, setInvalid] = useState(false);
  return (
    <label>
      {label}
      <input
        inputMode="decimal"
        value={typed}
        readOnly={readOnly}
        aria-invalid={invalid}
        onChange={(event) => {
          setTyped(event.target.value);
          const parsed = parseKroner(event.target.value);
          setInvalid(event.target.value !== '' && parsed === null);
          if (parsed !== null || event.target.value === '') onChange(parsed ?? undefined);
        }}
      />
      <span className="small muted">{invalid ? words.valuation.invalidKroner : formatKroner(ore)}</span>
    </label>
  );
}

function AreasEditor({
  areas,
  onChange,
  readOnly,
}: {
  areas: Area[];
  onChange: (areas: Area[]) => void;
  readOnly: boolean;
}) {
  const set = (index: number, patch: Partial<Area>) =>
    onChange(areas.map((area, at) => (at === index ? { ...area, ...patch } : area)));
  return (
    <section aria-labelledby="areas-title">
      <h2 id="areas-title">{words.areas.title}</h2>
      {areas.map((area, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the list changes only by this editor
        <fieldset key={index} className="row" disabled={readOnly}>
          <legend className="visually-hidden">{`${words.areas.kind} ${index + 1}`}</legend>
          <label>
            {words.areas.kind}
            <select value={area.kind} onChange={(event) => set(index, { kind: event.target.value as Area['kind'] })}>
              {AREA_KINDS.map((kind) => (
                <option key={kind}>{kind}</option>
              ))}
            </select>
          </label>
          <label>
            {words.areas.squareMeters}
            <input
              type="number"
              min={0}
              step={0.1}
              value={area.squareMeters}
              onChange={(event) => set(index, { squareMeters: Number(event.target.value) })}
            />
          </label>
          <label>
            {words.areas.floor}
            <input
              value={area.floor ?? ''}
              onChange={(event) => set(index, { floor: event.target.value || undefined })}
            />
          </label>
          {readOnly ? null : (
            <button
              type="button"
              className="button-quiet"
              onClick={() => onChange(areas.filter((_, at) => at !== index))}
            >
              {words.areas.remove}
            </button>
          )}
        </fieldset>
      ))}
      {readOnly ? null : (
        <button
          type="button"
          className="button-secondary"
          onClick={() => onChange([...areas, { standard: 'NS3940:2023', kind: 'BRA-i', squareMeters: 0 }])}
        >
          {words.areas.add}
        </button>
      )}
    </section>
  );
}

function ValuationEditor({ content, onChange, readOnly }: EditorProps<Valuation>) {
  const setValue = (key: keyof Valuation['values'], ore: number | undefined) =>
    onChange({ ...content, values: { ...content.values, [key]: key === 'marketValue' ? (ore ?? 0) : ore } });
  return (
    <>
      <section aria-labelledby="values-title">
        <h2 id="values-title">{words.valuation.values}</h2>
        <div className="grid-3">
          <KronerField
            label={words.valuation.marketValue}
            ore={content.values.marketValue}
            readOnly={readOnly}
            onChange={(ore) => setValue('marketValue', ore)}
          />
          <KronerField
            label={words.valuation.loanValue}
            ore={content.values.loanValue}
            readOnly={readOnly}
            onChange={(ore) => setValue('loanValue', ore)}
          />
          <KronerField
            label={words.valuation.technicalValue}
            ore={content.values.technicalValue}
            readOnly={readOnly}
            onChange={(ore) => setValue('technicalValue', ore)}
          />
        </div>
      </section>
      <AreasEditor areas={content.areas} readOnly={readOnly} onChange={(areas) => onChange({ ...content, areas })} />
    </>
  );
}

function EnergyEditor({ content, onChange, readOnly }: EditorProps<Energy>) {
  return (
    <fieldset className="row" disabled={readOnly}>
      <legend className="visually-hidden">{words.energy.energyGrade}</legend>
      <label>
        {words.energy.energyGrade}
        <select
          value={content.energyGrade}
          onChange={(event) => onChange({ ...content, energyGrade: event.target.value as Energy['energyGrade'] })}
        >
          {ENERGY_GRADES.map((grade) => (
            <option key={grade}>{grade}</option>
          ))}
        </select>
      </label>
      <label>
        {words.energy.heatingGrade}
        <select
          value={content.heatingGrade}
          onChange={(event) => onChange({ ...content, heatingGrade: event.target.value as Energy['heatingGrade'] })}
        >
          {HEATING_GRADES.map((grade) => (
            <option key={grade} value={grade}>
              {words.heating[grade]}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

/** The editor of the content's kind. */
export function ContentEditor({ content, onChange, readOnly }: EditorProps<Content>) {
  switch (content.kind) {
    case 'condition':
      return <ConditionEditor content={content} onChange={onChange} readOnly={readOnly} />;
    case 'valuation':
      return <ValuationEditor content={content} onChange={onChange} readOnly={readOnly} />;
    case 'energy':
      return <EnergyEditor content={content} onChange={onChange} readOnly={readOnly} />;
    default:
      return (
        <AreasEditor areas={content.areas} readOnly={readOnly} onChange={(areas) => onChange({ ...content, areas })} />
      );
  }
}
