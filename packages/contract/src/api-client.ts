import { z } from 'zod';
import { boundedText, idSchema, timestampSchema } from './common';
import { SCOPES } from './enums';

export const scopeSchema = z.enum(SCOPES);

export const createApiClientInput = z.object({
  name: boundedText(200),
  scopes: z.array(scopeSchema).min(1).max(SCOPES.length),
});

export const apiClientSchema = z.object({
  id: idSchema,
  name: z.string(),
  scopes: z.array(scopeSchema),
  /** First characters of the key, to tell keys apart without revealing them. */
  keyPrefix: z.string(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
});

/** The key is only ever shown here, once: in the answer to `create` and to `rotate`. */
export const createdApiClientSchema = z.object({ client: apiClientSchema, apiKey: z.string() });

export const apiClientIdInput = z.object({ id: idSchema });

export const listApiClientsOutput = z.object({ items: z.array(apiClientSchema) });

export type ApiClientDto = z.output<typeof apiClientSchema>;
