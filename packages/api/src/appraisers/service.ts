import type {
  AppraiserPatch,
  CertificationInput,
  CreateAppraiserInput,
  ListAppraisersInput,
  UpdateAppraiserInput,
} from '@takst/contract';
import {
  type Appraiser,
  AppraiserEntity,
  type CertificationRecord,
  type EntityManager,
  OptimisticLockError,
} from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { notFound, versionConflict } from '../errors';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import { type AppraiserRow, findAppraiserRow, listAppraiserRows } from './read-model';

export const appraiserNotFound = (id: string) => notFound('APPRAISER_NOT_FOUND', `No appraiser with id ${id}`);

const toCertificationRecords = (certifications: CertificationInput[]): CertificationRecord[] =>
  certifications.map((c) => ({ area: c.area, validFrom: c.validFrom, validTo: c.validTo ?? null }));

export async function createAppraiser(ctx: ServiceContext, input: CreateAppraiserInput): Promise<Appraiser> {
  return inTransaction(ctx.em, async (tx) => {
    const now = new Date();
    const appraiser = tx.create(AppraiserEntity, {
      id: uuidv7(now.getTime()),
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      active: input.active,
      certifications: toCertificationRecords(input.certifications),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    recordAudit(tx, ctx, {
      entityType: 'appraiser',
      entityId: appraiser.id,
      action: 'created',
      before: null,
      after: snapshot(appraiser),
    });
    await tx.flush();
    return appraiser;
  });
}

/** Loads an appraiser entity for a write, or refuses with APPRAISER_NOT_FOUND. */
export async function loadAppraiser(em: EntityManager, id: string): Promise<Appraiser> {
  const appraiser = await em.findOne(AppraiserEntity, { id });
  if (!appraiser) throw appraiserNotFound(id);
  return appraiser;
}

export async function getAppraiser(em: EntityManager, id: string): Promise<AppraiserRow> {
  const row = await findAppraiserRow(em, id);
  if (!row) throw appraiserNotFound(id);
  return row;
}

export const listAppraisers = (em: EntityManager, input: ListAppraisersInput) => listAppraiserRows(em, input);

/** JSON with object keys sorted: jsonb hands objects back with its own key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The fields the patch really changes; certifications compare by content. */
function changedFields(appraiser: Appraiser, patch: AppraiserPatch): Partial<Appraiser> {
  const next: Partial<Appraiser> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.email !== undefined) next.email = patch.email;
  if (patch.phone !== undefined) next.phone = patch.phone;
  if (patch.active !== undefined) next.active = patch.active;
  if (patch.certifications !== undefined) next.certifications = toCertificationRecords(patch.certifications);
  const changed: Partial<Appraiser> = {};
  for (const [key, value] of Object.entries(next) as [keyof Appraiser, unknown][]) {
    if (canonicalJson(appraiser[key]) !== canonicalJson(value)) Object.assign(changed, { [key]: value });
  }
  return changed;
}

const appraiserVersionConflict = (id: string, expected: number, current: number) =>
  versionConflict(`Appraiser ${id}`, current, expected);

async function currentVersionOf(em: EntityManager, id: string): Promise<number> {
  const current = await em.fork().findOne(AppraiserEntity, { id }, { fields: ['version'] });
  return current?.version ?? 0;
}

/** Applies the patch at the version the caller read; a patch that changes nothing writes nothing. */
export async function updateAppraiser(ctx: ServiceContext, input: UpdateAppraiserInput): Promise<Appraiser> {
  try {
    return await inTransaction(ctx.em, async (tx) => {
      const appraiser = await loadAppraiser(tx, input.id);
      if (appraiser.version !== input.expectedVersion) {
        throw appraiserVersionConflict(input.id, input.expectedVersion, appraiser.version);
      }
      const changed = changedFields(appraiser, input.patch);
      if (Object.keys(changed).length === 0) return appraiser;
      const before = snapshot(appraiser);
      tx.assign(appraiser, { ...changed, updatedAt: new Date() });
      recordAudit(tx, ctx, {
        entityType: 'appraiser',
        entityId: appraiser.id,
        action: 'updated',
        before,
        after: snapshot(appraiser),
      });
      // The version column makes the UPDATE conditional on the version read above.
      await tx.flush();
      return appraiser;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) {
      throw appraiserVersionConflict(input.id, input.expectedVersion, await currentVersionOf(ctx.em, input.id));
    }
    throw error;
  }
}
