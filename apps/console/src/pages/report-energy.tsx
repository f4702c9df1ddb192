import { reportText } from '../text/report';
import { SelectField } from './report-fields';
import { ENERGY_GRADES, type EnergyContent, type EnergyGrade, HEATING_GRADES, type HeatingGrade } from './report-model';

const words = reportText.energy;

const ENERGY_OPTIONS = ENERGY_GRADES.map((grade) => ({ value: grade, label: grade }));
const HEATING_OPTIONS = HEATING_GRADES.map((grade) => ({ value: grade, label: words.heating[grade] }));

export function EnergyEditor({
  content,
  onChange,
}: {
  content: EnergyContent;
  onChange: (content: EnergyContent) => void;
}) {
  return (
    <section aria-labelledby="energy-title" className="report-section">
      <h3 id="energy-title">{words.title}</h3>
      <div className="report-values">
        <SelectField<EnergyGrade>
          path="energyGrade"
          label={words.energyGrade}
          hint={words.energyHint}
          value={content.energyGrade}
          options={ENERGY_OPTIONS}
          onChange={(energyGrade) => onChange({ ...content, energyGrade: energyGrade || content.energyGrade })}
          after={<span className={`energy-badge energy-${content.energyGrade}`}>{content.energyGrade}</span>}
        />
        <SelectField<HeatingGrade>
          path="heatingGrade"
          label={words.heatingGrade}
          hint={words.heatingHint}
          value={content.heatingGrade}
          options={HEATING_OPTIONS}
          onChange={(heatingGrade) => onChange({ ...content, heatingGrade: heatingGrade || content.heatingGrade })}
          after={<span className={`heating-swatch heating-${content.heatingGrade}`} aria-hidden="true" />}
        />
      </div>
    </section>
  );
}
