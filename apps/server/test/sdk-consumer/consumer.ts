// Compiled and run from a directory outside the workspace, against the packed @takst/sdk.
import {
  ASSIGNMENT_TYPES,
  type Assignment,
  type AssignmentStatus,
  type AssignmentType,
  createTakstClient,
  isTakstError,
  type RouterInputs,
  type RouterOutputs,
} from '@takst/sdk';

const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const client = createTakstClient({
  baseUrl: env.TAKST_URL ?? 'http://127.0.0.1:3000',
  apiKey: env.TAKST_API_KEY ?? '',
  headers: { 'x-request-id': 'sdk-consumer' },
});

const input: RouterInputs['assignments']['create'] = {
  type: 'energy_certificate',
  property: { address: { street: 'Torget 1', postalCode: '9008', city: 'Tromsø' } },
  client: { name: 'Consumer Test AS', organizationNumber: '923609016' },
};

const created: Assignment = await client.assignments.create.mutate(input);
const type: AssignmentType = created.type;
const status: AssignmentStatus = created.status;
const fetched: RouterOutputs['assignments']['get'] = await client.assignments.get.query({ id: created.id });
const page = await client.assignments.list.query({ limit: 10, type: ['energy_certificate'] });

let notFoundCode: string | undefined;
try {
  await client.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' });
} catch (error) {
  if (isTakstError(error, 'ASSIGNMENT_NOT_FOUND')) notFoundCode = error.data?.errorCode;
}

console.log(
  JSON.stringify({
    id: created.id,
    reference: created.reference,
    type,
    status,
    sameAsFetched: JSON.stringify(fetched) === JSON.stringify(created),
    listed: page.items.map((a) => a.id),
    notFoundCode,
    knowsTypes: ASSIGNMENT_TYPES.length,
  }),
);
