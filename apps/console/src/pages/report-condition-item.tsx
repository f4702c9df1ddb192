import { reportText } from '../text/report';
import { SelectField, TextField } from './report-fields';
import { COST_ESTIMATES, type ConditionItem, type CostEstimate, GRADES, type Grade, pathOf } from './report-model';

const words = reportText.condition;

const GRADE_OPTIONS = GRADES.map((grade) => ({ value: grade, label: reportText.grades[grade] }));
const COST_OPTIONS = [
  { value: '' as const, label: words.noCostEstimate },
  ...COST_ESTIMATES.map((cost) => ({ value: cost, label: reportText.costEstimates[cost] })),
];

export function GradeBadge({ grade }: { grade: Grade }) {
  return <span className={`grade-badge grade-${grade}`}>{grade}</span>;
}

/** One building part of a condition report: where it is, its grade, and what was found and should be done. */
export function ConditionItemFields({
  item,
  index,
  itemKey,
  onChange,
  onRemove,
  onSectionLeft,
}: {
  item: ConditionItem;
  index: number;
  /** Stable while the item is edited, so focus can be put in it after it is added. */
  itemKey: string;
  onChange: (item: ConditionItem) => void;
  onRemove: () => void;
  onSectionLeft: () => void;
}) {
  const set = (patch: Partial<ConditionItem>) => onChange({ ...item, ...patch });
  const at = (field: keyof ConditionItem) => pathOf('items', index, field);
  const number = index + 1;
  return (
    <fieldset className={`card report-item grade-edge-${item.grade}`} data-item-key={itemKey}>
      <legend>
        {words.item(number)}
        {item.buildingPart.trim() ? `: ${item.buildingPart}` : ''}
      </legend>
      <div className="report-item-grid">
        <TextField
          path={at('section')}
          label={words.section}
          value={item.section}
          required
          onChange={(section) => set({ section })}
          onLeave={onSectionLeft}
        />
        <TextField
          path={at('buildingPart')}
          label={words.buildingPart}
          value={item.buildingPart}
          required
          onChange={(buildingPart) => set({ buildingPart })}
        />
        <TextField path={at('room')} label={words.room} value={item.room ?? ''} onChange={(room) => set({ room })} />
      </div>
      <div className="report-item-grid report-item-grid-wide">
        <SelectField<Grade>
          path={at('grade')}
          label={words.grade}
          value={item.grade}
          options={GRADE_OPTIONS}
          onChange={(grade) => set({ grade: grade || 'TG1' })}
          after={<GradeBadge grade={item.grade} />}
        />
        <SelectField<CostEstimate>
          path={at('costEstimate')}
          label={words.costEstimate}
          value={item.costEstimate ?? ''}
          options={COST_OPTIONS}
          onChange={(cost) => set({ costEstimate: cost || undefined })}
        />
      </div>
      <TextField
        path={at('description')}
        label={words.description}
        value={item.description}
        required
        multiline
        onChange={(description) => set({ description })}
      />
      <div className="report-item-grid report-item-grid-wide">
        <TextField
          path={at('deviation')}
          label={words.deviation}
          value={item.deviation ?? ''}
          multiline
          onChange={(deviation) => set({ deviation })}
        />
        <TextField
          path={at('consequence')}
          label={words.consequence}
          value={item.consequence ?? ''}
          multiline
          onChange={(consequence) => set({ consequence })}
        />
      </div>
      <p className="report-item-actions">
        <button type="button" className="button-quiet" onClick={onRemove}>
          {words.removeItem(number)}
        </button>
      </p>
    </fieldset>
  );
}
