import { useEffect, useRef, useState } from 'react';
import { reportText } from '../text/report';
import { DecimalField, SelectField, TextField } from './report-fields';
import { useStableKeys } from './report-keys';
import {
  AREA_KINDS_BY_STANDARD,
  AREA_STANDARDS,
  type Area,
  type AreaKind,
  type AreaStandard,
  formatSquareMeters,
  pathOf,
  totalsByKind,
} from './report-model';

const words = reportText.areas;

const STANDARD_OPTIONS = AREA_STANDARDS.map((standard) => ({ value: standard, label: words.standards[standard] }));
const kindOptions = (standard: AreaStandard) =>
  AREA_KINDS_BY_STANDARD[standard].map((kind) => ({ value: kind, label: words.kinds[kind] }));

/** A standard's own kinds; a kind of the other standard becomes the first of this one. */
function toStandard(area: Area, standard: AreaStandard): Area {
  const kinds = AREA_KINDS_BY_STANDARD[standard];
  return { ...area, standard, kind: kinds.includes(area.kind) ? area.kind : (kinds[0] ?? area.kind) };
}

function AreaRow({
  area,
  index,
  onChange,
  onRemove,
}: {
  area: Area;
  index: number;
  onChange: (area: Area) => void;
  onRemove: () => void;
}) {
  const number = index + 1;
  return (
    <fieldset className="report-area" data-area-index={index}>
      <legend>{words.area(number)}</legend>
      <SelectField<AreaKind>
        path={pathOf('areas', index, 'kind')}
        label={words.kind}
        value={area.kind}
        options={kindOptions(area.standard)}
        onChange={(kind) => onChange({ ...area, kind: kind || area.kind })}
      />
      <DecimalField
        path={pathOf('areas', index, 'squareMeters')}
        label={words.squareMeters}
        value={area.squareMeters}
        onChange={(squareMeters) => onChange({ ...area, squareMeters })}
      />
      <TextField
        path={pathOf('areas', index, 'floor')}
        label={words.floor}
        value={area.floor ?? ''}
        onChange={(floor) => onChange({ ...area, floor })}
      />
      <p className="report-area-remove">
        <button type="button" className="button-quiet" onClick={onRemove}>
          {words.remove(number)}
        </button>
      </p>
    </fieldset>
  );
}

export function AreasEditor({ areas, onChange }: { areas: Area[]; onChange: (areas: Area[]) => void }) {
  const [chosen, setChosen] = useState<AreaStandard>(areas[0]?.standard ?? 'NS3940:2023');
  const standard = areas[0]?.standard ?? chosen;
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusIndex === null) return;
    listRef.current?.querySelector<HTMLSelectElement>(`[data-area-index="${focusIndex}"] select`)?.focus();
    setFocusIndex(null);
  }, [focusIndex]);
  const keys = useStableKeys(areas.length);
  const set = (index: number, area: Area) => onChange(areas.map((other, at) => (at === index ? area : other)));
  const add = () => {
    const kind = AREA_KINDS_BY_STANDARD[standard][0] ?? 'BRA-i';
    onChange([...areas, { standard, kind, squareMeters: 0 }]);
    setFocusIndex(areas.length);
  };
  return (
    <section aria-labelledby="areas-title" className="report-section">
      <h3 id="areas-title">{words.title}</h3>
      <SelectField<AreaStandard>
        path="areas"
        label={words.standard}
        hint={words.standardHint}
        value={standard}
        options={STANDARD_OPTIONS}
        onChange={(next) => {
          const to = next || standard;
          setChosen(to);
          onChange(areas.map((area) => toStandard(area, to)));
        }}
      />
      <div className="report-areas" ref={listRef} tabIndex={-1}>
        {areas.length === 0 ? <p className="muted">{words.empty}</p> : null}
        {areas.map((area, index) => (
          <AreaRow
            key={keys.current[index] ?? index}
            area={area}
            index={index}
            onChange={(changed) => set(index, changed)}
            onRemove={() => {
              keys.current.splice(index, 1);
              onChange(areas.filter((_, at) => at !== index));
              listRef.current?.focus();
            }}
          />
        ))}
      </div>
      <button type="button" className="button-secondary" onClick={add}>
        {words.add}
      </button>
      <AreaTotals areas={areas} />
    </section>
  );
}

export function AreaTotals({ areas }: { areas: readonly Area[] }) {
  const totals = totalsByKind(areas);
  if (totals.length === 0) return null;
  return (
    <table className="report-area-totals">
      <caption>{words.totals}</caption>
      <thead>
        <tr>
          <th scope="col">{words.kind}</th>
          <th scope="col" className="report-number">
            {words.total}
          </th>
        </tr>
      </thead>
      <tbody>
        {totals.map((total) => (
          <tr key={total.kind}>
            <th scope="row">{words.kinds[total.kind]}</th>
            <td className="report-number">{formatSquareMeters(total.squareMeters)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
