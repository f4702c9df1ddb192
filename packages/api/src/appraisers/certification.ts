import { type AssignmentType, REQUIRED_CERTIFICATION } from '@takst/contract';
import type { Appraiser } from '@takst/db';
import { DomainError } from '../errors';

const osloDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' });

/** The calendar day `at` falls on where the company works, YYYY-MM-DD (certifications are valid per day). */
export function dayInOslo(at: Date): string {
  return osloDate.format(at);
}

/** Today's date where the company works, YYYY-MM-DD. */
export function todayInOslo(now = new Date()): string {
  return dayInOslo(now);
}

/** Whether the appraiser holds `area` on `day` (validFrom and validTo inclusive). */
export function holdsCertification(appraiser: Pick<Appraiser, 'certifications'>, area: string, day: string): boolean {
  return appraiser.certifications.some(
    (c) => c.area === area && c.validFrom <= day && (c.validTo === null || c.validTo >= day),
  );
}

/**
 * Refuses an appraiser who is inactive, or who lacks the certification an assignment of this
 * type needs on that day.
 */
export function assertCanTake(
  appraiser: Pick<Appraiser, 'id' | 'name' | 'active' | 'certifications'>,
  type: AssignmentType,
  day: string,
): void {
  if (!appraiser.active) {
    throw new DomainError('BAD_REQUEST', 'APPRAISER_INACTIVE', `Appraiser ${appraiser.name} is not active`);
  }
  const area = REQUIRED_CERTIFICATION[type];
  if (area && !holdsCertification(appraiser, area, day)) {
    throw new DomainError(
      'BAD_REQUEST',
      'APPRAISER_NOT_CERTIFIED',
      `Appraiser ${appraiser.name} holds no valid '${area}' certification on ${day}, which a ${type} needs`,
      { requiredCertification: area, on: day },
    );
  }
}
