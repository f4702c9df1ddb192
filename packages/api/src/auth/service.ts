import type { ApiClientDto, Scope } from '@takst/contract';
import { type ApiClient, ApiClientEntity, type EntityManager, LockMode } from '@takst/db';
import { recordAudit, type Snapshot } from '../audit/record';
import { DomainError, notFound } from '../errors';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import { generateApiKey, hashApiKey, keyPrefixOf } from './api-keys';

export function toApiClientDto(client: ApiClient): ApiClientDto {
  return {
    id: client.id,
    name: client.name,
    scopes: client.scopes as Scope[],
    keyPrefix: client.keyPrefix,
    createdAt: client.createdAt.toISOString(),
    lastUsedAt: client.lastUsedAt?.toISOString() ?? null,
    revokedAt: client.revokedAt?.toISOString() ?? null,
  };
}

/**
 * What the audit log and the event log see of a client. Never the key, its hash or its prefix:
 * audit readers need not be admins, and the log is copied to other systems.
 */
function audited(client: ApiClient): Snapshot {
  return { name: client.name, scopes: [...client.scopes], revokedAt: client.revokedAt?.toISOString() ?? null };
}

/** Registers a client without an actor to blame (bootstrap, demo data); procedures use `registerApiClient`. */
export async function createApiClient(
  em: EntityManager,
  input: { name: string; scopes: readonly Scope[]; apiKey?: string },
): Promise<{ client: ApiClient; apiKey: string }> {
  const apiKey = input.apiKey ?? generateApiKey();
  const client = em.create(ApiClientEntity, {
    id: uuidv7(),
    name: input.name,
    keyHash: hashApiKey(apiKey),
    keyPrefix: keyPrefixOf(apiKey),
    scopes: [...new Set(input.scopes)],
    createdAt: new Date(),
  });
  await em.flush();
  return { client, apiKey };
}

export function registerApiClient(
  ctx: ServiceContext,
  input: { name: string; scopes: readonly Scope[] },
): Promise<{ client: ApiClient; apiKey: string }> {
  return inTransaction(ctx.em, async (tx) => {
    const created = await createApiClient(tx, input);
    recordAudit(tx, ctx, {
      entityType: 'api_client',
      entityId: created.client.id,
      action: 'created',
      before: null,
      after: audited(created.client),
    });
    await tx.flush();
    return created;
  });
}

export async function listApiClients(em: EntityManager): Promise<ApiClient[]> {
  return em.find(ApiClientEntity, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

export async function getApiClient(em: EntityManager, id: string): Promise<ApiClient> {
  const client = await em.findOne(ApiClientEntity, { id });
  if (!client) throw notFound('API_CLIENT_NOT_FOUND', `No API client with id ${id}`);
  return client;
}

/** Row-locked, so a revocation and a rotation of one client take turns. */
async function lockApiClient(tx: EntityManager, id: string): Promise<ApiClient> {
  const client = await tx.findOne(ApiClientEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!client) throw notFound('API_CLIENT_NOT_FOUND', `No API client with id ${id}`);
  return client;
}

/**
 * Revokes a client's key. Revoking a revoked client changes nothing and answers it as it is.
 * The commit notifies every server process (a trigger on api_clients), which drops the key
 * from its cache; the caller must also `forget` it in its own process before answering.
 */
export function revokeApiClient(ctx: ServiceContext, id: string): Promise<{ client: ApiClient; changed: boolean }> {
  return inTransaction(ctx.em, async (tx) => {
    const client = await lockApiClient(tx, id);
    if (client.revokedAt) return { client, changed: false };
    const before = audited(client);
    client.revokedAt = new Date();
    recordAudit(tx, ctx, { entityType: 'api_client', entityId: id, action: 'revoked', before, after: audited(client) });
    await tx.flush();
    return { client, changed: true };
  });
}

/**
 * Gives a client a new key, and the old key stops working at once. The client keeps its id,
 * name, scopes and history: it is the same connected system with a new secret. There is no
 * overlap in which both keys work; a system that needs one can be given a second client.
 */
export function rotateApiClientKey(ctx: ServiceContext, id: string): Promise<{ client: ApiClient; apiKey: string }> {
  return inTransaction(ctx.em, async (tx) => {
    const client = await lockApiClient(tx, id);
    if (client.revokedAt) {
      throw new DomainError('CONFLICT', 'CONFLICT', `API client ${id} is revoked; register a new client instead`);
    }
    const apiKey = generateApiKey();
    client.keyHash = hashApiKey(apiKey);
    client.keyPrefix = keyPrefixOf(apiKey);
    recordAudit(tx, ctx, {
      entityType: 'api_client',
      entityId: id,
      action: 'key_rotated',
      before: audited(client),
      after: audited(client),
    });
    await tx.flush();
    return { client, apiKey };
  });
}
