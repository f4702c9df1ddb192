import { z } from 'zod';
import { boundedText, idSchema, timestampSchema } from './common';
import { SCOPES } from './enums';

export const scopeSchema = z.enum(SCOPES).meta({
  description:
    'A permission an API client holds: `<area>:read`, `<area>:write`, `webhooks:manage`, `users:act_for` and so on; `admin` grants every other scope.',
  examples: ['assignments:read'],
});

export const createApiClientInput = z
  .object({
    name: boundedText(200).meta({
      description: 'A name to know it by, up to 200 characters.',
      examples: ['CRM-integrasjon'],
    }),
    scopes: z
      .array(scopeSchema)
      .min(1)
      .max(SCOPES.length)
      .meta({
        description: 'What its key may do: at least one scope.',
        examples: [['assignments:read', 'events:read']],
      }),
  })
  .meta({ description: 'A new API client for a connected system; the answer holds its key, shown only once.' });

export const apiClientSchema = z
  .object({
    id: idSchema.describe("The API client's id."),
    name: z.string().meta({ description: 'Its name.', examples: ['CRM-integrasjon'] }),
    scopes: z.array(scopeSchema).describe('What its key may do.'),
    keyPrefix: z.string().meta({
      description: 'The first characters of the key, to tell keys apart without revealing them.',
      examples: ['tk_4f9aQz'],
    }),
    createdAt: timestampSchema.describe('When it was made.'),
    lastUsedAt: timestampSchema.nullable().describe('When its key was last used; null if never.'),
    revokedAt: timestampSchema.nullable().describe('When its key was revoked; null while it works.'),
  })
  .meta({
    id: 'ApiClient',
    description: 'An API client: a connected system, its key (never shown again) and its scopes.',
  });

/** The key is only ever shown here, once: in the answer to `create` and to `rotate`. */
export const createdApiClientSchema = z
  .object({
    client: apiClientSchema.describe('The API client.'),
    apiKey: z
      .string()
      .describe('The key, `tk_…`: send it as `Authorization: Bearer <key>`. Shown only here, once: store it now.'),
  })
  .meta({
    id: 'CreatedApiClient',
    description:
      'An API client and its new key: the key is only ever shown here, in the answer to create and to rotate.',
  });

export const apiClientIdInput = z
  .object({ id: idSchema.describe("The API client's id.") })
  .meta({ description: 'Names one API client by id.' });

export const listApiClientsOutput = z
  .object({ items: z.array(apiClientSchema).describe('Every API client.') })
  .meta({ id: 'ApiClientList', description: 'Every API client (no pages).' });

export type ApiClientDto = z.output<typeof apiClientSchema>;
