import type { ValidationIssue } from '@takst/sdk';
import { createContext, useContext, useEffect, useId } from 'react';
import { reportText } from '../text/report';
import type { FieldPath } from './report-model';

const problems = reportText.fieldProblems;

/** What every field of the draft editor needs from it: where a problem is, and to say it was visited. */
export interface ReportForm {
  /** The problem to show beside the field at `path`, in words; null when there is none. */
  problemAt: (path: FieldPath) => string | null;
  /** The person left the field: it is saved, and a required one left empty may now be pointed out. */
  touch: (path: FieldPath) => void;
  /** A field holds text that is not a value yet (kroner that are not a number): nothing of it is saved. */
  setLocalProblem: (path: FieldPath, hasProblem: boolean) => void;
}

const FormContext = createContext<ReportForm>({
  problemAt: () => null,
  touch: () => undefined,
  setLocalProblem: () => undefined,
});

export const ReportFormProvider = FormContext.Provider;

/** The ids, problem and handlers of one field; the problem is linked to the input for screen readers. */
export function useField(path: FieldPath, hasHint = false) {
  const form = useContext(FormContext);
  const id = useId();
  const problem = form.problemAt(path);
  const describedBy = [hasHint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return {
    id,
    hintId: `${id}-hint`,
    problemId: `${id}-problem`,
    problem,
    inputProps: {
      id,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': describedBy || undefined,
      onBlur: () => form.touch(path),
    },
  };
}

/** Reports a field's own problem to the editor while it lasts, and clears it when the field goes away. */
export function useLocalProblem(path: FieldPath, hasProblem: boolean) {
  const { setLocalProblem } = useContext(FormContext);
  useEffect(() => {
    setLocalProblem(path, hasProblem);
    return () => setLocalProblem(path, false);
  }, [path, hasProblem, setLocalProblem]);
}

/** A validation issue's path inside the content: the server names it from the input (`content.items.0.description`). */
export const issuePath = (issue: ValidationIssue): FieldPath =>
  (issue.path[0] === 'content' ? issue.path.slice(1) : issue.path).join('.');

/** The server's validation message, in words a Norwegian appraiser reads (the schema's messages are English). */
export function issueMessage(issue: ValidationIssue): string {
  const message = issue.message;
  if (/national identity/i.test(message)) return problems.nationalId;
  if (/standard and its year/i.test(message)) return problems.standard;
  if (/one decimal/i.test(message)) return problems.oneDecimal;
  if (/follow one standard/i.test(message)) return problems.oneStandard;
  if (/is not an area of/i.test(message)) return problems.kindOfStandard;
  if (/whole øre/i.test(message)) return problems.wholeOre;
  const aboutText = /string|character/i.test(message);
  if (issue.code === 'too_small') return aboutText ? problems.required : problems.tooSmall;
  if (issue.code === 'too_big') return aboutText ? problems.tooLong : problems.tooBig;
  return problems.other(message);
}

/** The fields the editor shows: an issue about one of them is shown beside it, any other above the editor. */
const FIELD_NAMES = new Set([
  'standardVersion',
  'section',
  'room',
  'buildingPart',
  'grade',
  'description',
  'deviation',
  'consequence',
  'costEstimate',
  'marketValue',
  'loanValue',
  'technicalValue',
  'standard',
  'kind',
  'squareMeters',
  'floor',
  'areas',
  'energyGrade',
  'heatingGrade',
]);

export const isShownAtField = (issue: ValidationIssue): boolean => {
  const last = issuePath(issue).split('.').at(-1) ?? '';
  return FIELD_NAMES.has(last);
};

export function FieldProblem({ id, problem }: { id: string; problem: string | null }) {
  if (!problem) return null;
  return (
    <p id={id} className="field-problem">
      {problem}
    </p>
  );
}
