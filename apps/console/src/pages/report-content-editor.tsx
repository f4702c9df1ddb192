import { AreasEditor } from './report-areas';
import { ConditionEditor } from './report-condition';
import { EnergyEditor } from './report-energy';
import type { Content } from './report-model';
import { ValuationEditor } from './report-valuation';

/** The editor of the content's kind. */
export function ContentEditor({ content, onChange }: { content: Content; onChange: (content: Content) => void }) {
  switch (content.kind) {
    case 'condition':
      return <ConditionEditor content={content} onChange={onChange} />;
    case 'valuation':
      return <ValuationEditor content={content} onChange={onChange} />;
    case 'energy':
      return <EnergyEditor content={content} onChange={onChange} />;
    default:
      return <AreasEditor areas={content.areas} onChange={(areas) => onChange({ ...content, areas })} />;
  }
}
