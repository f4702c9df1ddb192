import { Fragment } from 'react';
import { reportText } from '../text/report';
import { formatKroner } from '../ui/format';
import { AreaTotals } from './report-areas';
import { GradeBadge } from './report-condition-item';
import { type Area, type ConditionItem, formatSquareMeters, type StoredContent } from './report-model';

const words = reportText;

function Fact({ label, value }: { label: string; value: string | undefined }) {
  if (value === undefined || value === '') return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function ItemView({ item, number }: { item: ConditionItem; number: number }) {
  return (
    <article className={`card report-item grade-edge-${item.grade}`} aria-labelledby={`item-view-${number}`}>
      <p className="report-item-head" id={`item-view-${number}`}>
        <GradeBadge grade={item.grade} /> <strong>{words.condition.item(number)}</strong>: {item.buildingPart}
        {item.room ? <span className="muted"> · {item.room}</span> : null}
      </p>
      <dl className="report-facts">
        <Fact label={words.condition.grade} value={words.grades[item.grade]} />
        <Fact label={words.condition.description} value={item.description} />
        <Fact label={words.condition.deviation} value={item.deviation} />
        <Fact label={words.condition.consequence} value={item.consequence} />
        <Fact
          label={words.condition.costEstimate}
          value={item.costEstimate ? words.costEstimates[item.costEstimate] : undefined}
        />
      </dl>
    </article>
  );
}

function ConditionView({ content }: { content: Extract<StoredContent, { kind: 'condition' }> }) {
  return (
    <>
      <p>
        <strong>{words.condition.standardVersion}:</strong> {content.standardVersion}
      </p>
      <section aria-labelledby="condition-summary-view" className="report-section card report-summary">
        <h3 id="condition-summary-view">{words.condition.summaryTitle}</h3>
        {content.summary.length === 0 ? (
          <p>{words.condition.summaryEmpty}</p>
        ) : (
          <ul className="report-summary-list">
            {content.summary.map((entry, index) => (
              // The summary is a derived list without ids; it never changes while shown.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={index}>
                <GradeBadge grade={entry.grade} /> <strong>{`${entry.section} · ${entry.buildingPart}`}</strong>
                {entry.room ? ` (${entry.room})` : ''}: {entry.description}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="condition-items-view" className="report-section">
        <h3 id="condition-items-view">{words.condition.title}</h3>
        {content.items.length === 0 ? <p className="muted">{words.condition.empty}</p> : null}
        {content.items.map((item, index) => {
          const startsRun = index === 0 || content.items[index - 1]?.section !== item.section;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a stored version's items never move while shown
            <Fragment key={index}>
              {startsRun ? <h4 className="report-group-title">{item.section}</h4> : null}
              <ItemView item={item} number={index + 1} />
            </Fragment>
          );
        })}
      </section>
    </>
  );
}

function AreasView({ areas }: { areas: readonly Area[] }) {
  return (
    <section aria-labelledby="areas-view" className="report-section">
      <h3 id="areas-view">{words.areas.title}</h3>
      {areas.length === 0 ? (
        <p className="muted">{words.areas.empty}</p>
      ) : (
        <>
          <p>
            <strong>{words.areas.standard}:</strong> {areas[0]?.standard}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{words.areas.kind}</th>
                <th scope="col" className="report-number">
                  {words.areas.squareMeters}
                </th>
                <th scope="col">{words.areas.floor}</th>
              </tr>
            </thead>
            <tbody>
              {areas.map((area, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a stored version's areas never move while shown
                <tr key={index}>
                  <th scope="row">{words.areas.kinds[area.kind]}</th>
                  <td className="report-number">{formatSquareMeters(area.squareMeters)}</td>
                  <td>{area.floor ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <AreaTotals areas={areas} />
        </>
      )}
    </section>
  );
}

/** A version as text: what the reviewer reads, and what a delivered or submitted version shows. */
export function ContentView({ content }: { content: StoredContent }) {
  switch (content.kind) {
    case 'condition':
      return <ConditionView content={content} />;
    case 'valuation':
      return (
        <>
          <section aria-labelledby="values-view" className="report-section">
            <h3 id="values-view">{words.valuation.title}</h3>
            <dl className="report-facts report-facts-row">
              <Fact label={words.valuation.marketValue} value={formatKroner(content.values.marketValue)} />
              <Fact label={words.valuation.loanValue} value={formatKroner(content.values.loanValue)} />
              <Fact label={words.valuation.technicalValue} value={formatKroner(content.values.technicalValue)} />
            </dl>
          </section>
          <AreasView areas={content.areas} />
        </>
      );
    case 'energy':
      return (
        <section aria-labelledby="energy-view" className="report-section">
          <h3 id="energy-view">{words.energy.title}</h3>
          <dl className="report-facts report-facts-row">
            <Fact label={words.energy.energyGrade} value={content.energyGrade} />
            <Fact label={words.energy.heatingGrade} value={words.energy.heating[content.heatingGrade]} />
          </dl>
        </section>
      );
    default:
      return <AreasView areas={content.areas} />;
  }
}
