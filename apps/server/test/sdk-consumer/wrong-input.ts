// Must NOT type-check: the type is not an AssignmentType.
import { createTakstClient } from '@takst/sdk';

const client = createTakstClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'tk_x' });
await client.assignments.create.mutate({
  type: 'house_party',
  property: { address: { street: 'Torget 1', postalCode: '9008', city: 'Tromsø' } },
  client: { name: 'Nobody' },
});
