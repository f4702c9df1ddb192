import type { ApiClientDto, Scope } from '@takst/contract';
import { type ApiClient, ApiClientEntity, type EntityManager } from '@takst/db';
import { uuidv7 } from '../lib/uuid';
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

export async function listApiClients(em: EntityManager): Promise<ApiClient[]> {
  return em.find(ApiClientEntity, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
}
