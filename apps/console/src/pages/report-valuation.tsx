import { reportText } from '../text/report';
import { AreasEditor } from './report-areas';
import { KronerField } from './report-fields';
import type { ValuationContent, ValuationValues } from './report-model';

const words = reportText.valuation;

/** Values typed in kroner and kept in øre, and the areas they rest on. */
export function ValuationEditor({
  content,
  onChange,
}: {
  content: ValuationContent;
  onChange: (content: ValuationContent) => void;
}) {
  const setValues = (patch: Partial<ValuationValues>) =>
    onChange({ ...content, values: { ...content.values, ...patch } });
  return (
    <>
      <section aria-labelledby="values-title" className="report-section">
        <h3 id="values-title">{words.title}</h3>
        <div className="report-values">
          <KronerField
            path="values.marketValue"
            label={words.marketValue}
            ore={content.values.marketValue}
            required
            onChange={(marketValue) => setValues({ marketValue: marketValue ?? 0 })}
          />
          <KronerField
            path="values.loanValue"
            label={words.loanValue}
            hint={words.optional}
            ore={content.values.loanValue}
            onChange={(loanValue) => setValues({ loanValue })}
          />
          <KronerField
            path="values.technicalValue"
            label={words.technicalValue}
            hint={words.optional}
            ore={content.values.technicalValue}
            onChange={(technicalValue) => setValues({ technicalValue })}
          />
        </div>
      </section>
      <AreasEditor areas={content.areas} onChange={(areas) => onChange({ ...content, areas })} />
    </>
  );
}
