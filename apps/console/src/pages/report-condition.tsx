import { Fragment, useEffect, useRef, useState } from 'react';
import { reportText } from '../text/report';
import { ConditionItemFields, GradeBadge } from './report-condition-item';
import { TextField } from './report-fields';
import { newKey, useStableKeys } from './report-keys';
import { type ConditionContent, type ConditionItem, groupedBySection, summaryOf } from './report-model';

const words = reportText.condition;

/** Where a new item goes: after the last one of its section, or last. */
function insertionPoint(items: readonly ConditionItem[], section: string): number {
  const last = items.findLastIndex((item) => item.section.trim() === section.trim());
  return last === -1 ? items.length : last + 1;
}

/** The items, one run per section (the section a heading), each run ending with a way to add to it. */
export function ConditionEditor({
  content,
  onChange,
}: {
  content: ConditionContent;
  onChange: (content: ConditionContent) => void;
}) {
  const keys = useStableKeys(content.items.length);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const { items } = content;
  const setItems = (next: ConditionItem[]) => onChange({ ...content, items: next });

  useEffect(() => {
    if (!focusKey) return;
    const fieldset = listRef.current?.querySelector(`[data-item-key="${focusKey}"]`);
    const inputs = fieldset?.querySelectorAll<HTMLInputElement>('input');
    // A section given already: start with the building part.
    const first = [...(inputs ?? [])].find((input) => input.value === '');
    (first ?? inputs?.[0])?.focus();
    setFocusKey(null);
  }, [focusKey]);

  const add = (section: string) => {
    const at = section ? insertionPoint(items, section) : items.length;
    const key = newKey();
    keys.current.splice(at, 0, key);
    setItems([...items.slice(0, at), { section, buildingPart: '', grade: 'TG1', description: '' }, ...items.slice(at)]);
    setFocusKey(key);
  };
  const remove = (index: number) => {
    keys.current.splice(index, 1);
    setItems(items.filter((_, at) => at !== index));
    listRef.current?.focus();
  };
  /** Once a section is typed, its item joins the others of that section. */
  const regroup = () => {
    const order = groupedBySection(items);
    if (order.every((from, to) => from === to)) return;
    keys.current = order.map((from) => keys.current[from] ?? newKey());
    setItems(order.flatMap((from) => items[from] ?? []));
  };

  return (
    <>
      <TextField
        path="standardVersion"
        label={words.standardVersion}
        hint={words.standardHint}
        value={content.standardVersion}
        required
        onChange={(standardVersion) => onChange({ ...content, standardVersion })}
        className="report-standard"
      />
      <section aria-labelledby="condition-items-title" className="report-section">
        <h3 id="condition-items-title">{words.title}</h3>
        <p className="small muted">{reportText.save.requiredHint}</p>
        {/* One parent for every item, so that sorting moves them instead of making them anew (and keeps focus). */}
        <div className="report-items" ref={listRef} tabIndex={-1}>
          {items.length === 0 ? <p className="muted">{words.empty}</p> : null}
          {items.map((item, index) => {
            const key = keys.current[index] ?? `item-at-${index}`;
            const section = item.section.trim();
            const startsRun = index === 0 || items[index - 1]?.section.trim() !== section;
            const endsRun = items[index + 1]?.section.trim() !== section;
            return (
              <Fragment key={key}>
                {startsRun ? <h4 className="report-group-title">{section || words.noSection}</h4> : null}
                <ConditionItemFields
                  item={item}
                  index={index}
                  itemKey={key}
                  onChange={(changed) => setItems(items.map((other, at) => (at === index ? changed : other)))}
                  onRemove={() => remove(index)}
                  onSectionLeft={regroup}
                />
                {endsRun && section ? (
                  <p className="report-group-add">
                    <button type="button" className="button-secondary" onClick={() => add(section)}>
                      {words.addTo(section)}
                    </button>
                  </p>
                ) : null}
              </Fragment>
            );
          })}
        </div>
        <button type="button" onClick={() => add('')}>
          {words.add}
        </button>
      </section>
      <ConditionSummary items={items} />
    </>
  );
}

/** TG2, TG3 and TGIU, as the server will derive them: read-only, to see what the customer reads first. */
export function ConditionSummary({ items }: { items: readonly ConditionItem[] }) {
  const summary = summaryOf(items);
  return (
    <section aria-labelledby="condition-summary-title" className="report-section card report-summary">
      <h3 id="condition-summary-title">{words.summaryTitle}</h3>
      <p className="small muted">{words.summaryIntro}</p>
      {summary.length === 0 ? (
        <p>{words.summaryEmpty}</p>
      ) : (
        <ul className="report-summary-list">
          {summary.map(({ item, number }) => (
            <li key={number}>
              <GradeBadge grade={item.grade} />{' '}
              <strong>{[item.section, item.buildingPart].filter(Boolean).join(' · ')}</strong>
              {item.room ? ` (${item.room})` : ''}: {item.description}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
