import type { AssignmentDto, AssignmentStatus, AssignmentType } from '@takst/contract';
import type { Assignment } from '@takst/db';

export function canonicalCadastreId(c: { municipality: string; gnr: number; bnr: number; fnr: number; snr: number }) {
  return `${c.municipality}-${c.gnr}-${c.bnr}-${c.fnr}-${c.snr}`;
}

type Timestamps = 'createdAt' | 'updatedAt';

/** An assignment entity, or a row of the read model (timestamps already ISO strings). */
export type AssignmentRecord = Omit<Assignment, Timestamps> & { createdAt: Date | string; updatedAt: Date | string };

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

export function toAssignmentDto(a: AssignmentRecord): AssignmentDto {
  const hasCadastre = a.cadastreMunicipality != null && a.cadastreGnr != null && a.cadastreBnr != null;
  const cadastre = hasCadastre
    ? {
        municipality: a.cadastreMunicipality as string,
        gnr: a.cadastreGnr as number,
        bnr: a.cadastreBnr as number,
        fnr: a.cadastreFnr ?? 0,
        snr: a.cadastreSnr ?? 0,
      }
    : null;
  return {
    id: a.id,
    reference: a.reference,
    type: a.type as AssignmentType,
    status: a.status as AssignmentStatus,
    version: a.version,
    property: {
      address: { street: a.propertyStreet, postalCode: a.propertyPostalCode, city: a.propertyCity },
      cadastre: cadastre ? { ...cadastre, id: canonicalCadastreId(cadastre) } : null,
    },
    client: {
      name: a.clientName,
      email: a.clientEmail ?? null,
      phone: a.clientPhone ?? null,
      organizationNumber: a.clientOrganizationNumber ?? null,
    },
    dueDate: a.dueDate ?? null,
    notes: a.notes ?? null,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}
