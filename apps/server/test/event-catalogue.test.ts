import { catalogueEventSchema, EVENT_TYPE_NAMES, type EventType, webhookPayloadSchema } from '@takst/contract';
import type { Inspection, Note, RouterInputs, TakstClient, TakstEvent, TakstWebhookPayload } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { query } from './support/database';
import { allPages, assignmentInput, caught, conditionReportContent } from './support/fixtures';
import { signedInPerson } from './support/people';
import { startTestServer, type TestServer } from './support/server';
import { eventually, QUICK_WEBHOOKS_ENV } from './support/webhooks';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: QUICK_WEBHOOKS_ENV });
}, 60_000);
afterAll(() => server?.close());

const content = conditionReportContent;

/** Most of what the platform records, done through the API as its users would. */
async function aDayOfWork(): Promise<void> {
  const { admin } = server;
  const certified = { certifications: [{ area: 'condition' as const, validFrom: '2020-01-01', validTo: null }] };
  const appraiserRecord = await admin.appraisers.create.mutate({ name: 'Astrid Takst', ...certified });
  await admin.appraisers.update.mutate({
    id: appraiserRecord.id,
    expectedVersion: appraiserRecord.version,
    patch: { phone: '+4791234567' },
  });
  const appraiser = await signedInPerson(server, ['appraiser'], { appraiserId: appraiserRecord.id, name: 'Astrid' });
  const reviewer = await signedInPerson(server, ['reviewer'], { name: 'Rita' });
  const received = await admin.assignments.create.mutate(assignmentInput());
  await admin.parties.update.mutate({
    id: received.client.id,
    expectedVersion: (await admin.parties.get.query({ id: received.client.id })).version,
    patch: { phone: '+4790000000' },
  });
  const updated = await admin.assignments.update.mutate({
    id: received.id,
    expectedVersion: received.version,
    patch: { dueDate: '2027-03-01' },
  });
  let assignment = await admin.assignments.assign.mutate({
    id: received.id,
    appraiserId: appraiserRecord.id,
    expectedVersion: updated.version,
  });
  await admin.externalRefs.link.mutate({
    entityType: 'assignment',
    entityId: assignment.id,
    system: 'crm',
    externalId: `crm-${assignment.id}`,
  });
  await admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Sara', sourceSystem: 'support', text: 'Hei' });
  const move = async (who: TakstClient, to: RouterInputs['assignments']['transition']['to']) => {
    const current = await who.assignments.get.query({ id: assignment.id });
    assignment = await who.assignments.transition.mutate({ id: assignment.id, to, expectedVersion: current.version });
  };
  await move(appraiser.takst, 'confirmed');
  const first = await appraiser.takst.inspections.book.mutate({
    assignmentId: assignment.id,
    appraiserId: appraiserRecord.id,
    startsAt: '2027-02-01T09:00:00+01:00',
    endsAt: '2027-02-01T10:00:00+01:00',
  });
  const moved = await appraiser.takst.inspections.reschedule.mutate({
    id: first.id,
    startsAt: '2027-02-02T09:00:00+01:00',
    endsAt: '2027-02-02T10:00:00+01:00',
    expectedVersion: first.version,
  });
  await appraiser.takst.inspections.cancel.mutate({ id: first.id, reason: 'Syk', expectedVersion: moved.version });
  const second = await appraiser.takst.inspections.book.mutate({
    assignmentId: assignment.id,
    appraiserId: appraiserRecord.id,
    startsAt: '2027-02-03T09:00:00+01:00',
    endsAt: '2027-02-03T10:00:00+01:00',
  });
  await appraiser.takst.inspections.complete.mutate({ id: second.id, expectedVersion: second.version });
  await move(appraiser.takst, 'drafting');
  const draft = await appraiser.takst.reports.createDraft.mutate({ assignmentId: assignment.id, content });
  const saved = await appraiser.takst.reports.updateDraft.mutate({
    id: draft.id,
    expectedVersion: draft.version,
    content: {
      kind: 'condition',
      standardVersion: 'NS3600:2018',
      items: [{ section: 'Tak', buildingPart: 'Taktekking', grade: 'TG2', description: 'Lekker' }],
    },
  });
  const submitted = await appraiser.takst.reports.submit.mutate({ id: draft.id, expectedVersion: saved.version });
  await move(appraiser.takst, 'in_review');
  const rejected = await reviewer.takst.reports.reject.mutate({
    id: draft.id,
    reason: 'Mangler bilder',
    expectedVersion: submitted.version,
  });
  const resubmitted = await appraiser.takst.reports.submit.mutate({ id: draft.id, expectedVersion: rejected.version });
  await reviewer.takst.reports.approve.mutate({ id: draft.id, expectedVersion: resubmitted.version });
  await move(reviewer.takst, 'delivered');
  await appraiser.takst.reports.revise.mutate({ assignmentId: assignment.id });

  const client = await admin.apiClients.create.mutate({ name: 'Booking tool', scopes: ['assignments:read'] });
  await admin.apiClients.rotate.mutate({ id: client.client.id });
  await admin.apiClients.revoke.mutate({ id: client.client.id });
  const invited = await admin.users.create.mutate({ email: 'ny@takst.example', name: 'Ny', roles: ['support'] });
  const renamed = await admin.users.update.mutate({
    id: invited.user.id,
    expectedVersion: invited.user.version,
    patch: { name: 'Ny Person' },
  });
  await admin.users.sendSetPasswordLink.mutate({ id: renamed.id });
  await admin.users.endSessions.mutate({ id: appraiser.userId });
  await admin.users.deactivate.mutate({ id: renamed.id });
  const hook = await admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/takst', eventTypes: ['note.*'] });
  const changed = await admin.webhooks.update.mutate({
    id: hook.endpoint.id,
    expectedVersion: hook.endpoint.version,
    patch: { eventTypes: ['note.added', 'assignment.*'] },
  });
  await admin.webhooks.rotateSecret.mutate({ id: changed.id });
  await admin.webhooks.delete.mutate({ id: changed.id });
}

describe('the event catalogue', () => {
  it('is what the platform writes: every event a day of work makes fits the type it is listed under', async () => {
    await aDayOfWork();
    const { items: events } = await allPages((cursor) =>
      server.admin.events.list
        .query({ after: cursor === undefined ? 0 : Number(cursor), limit: 500 })
        .then((page) => ({ items: page.items, nextCursor: page.nextAfter === null ? null : String(page.nextAfter) })),
    );
    const misfits = events.flatMap((event) => {
      const checked = catalogueEventSchema.safeParse(event);
      return checked.success ? [] : [{ type: event.type, issues: checked.error.issues.slice(0, 3) }];
    });
    expect(misfits).toEqual([]);
    const seen = new Set(events.map((event) => event.type));
    const notSeen = EVENT_TYPE_NAMES.filter((type) => !seen.has(type));
    // Those need a failing receiver, a delivery or an import: tests/webhooks*.test.ts and bulk tests make them.
    expect(notSeen.sort()).toEqual(
      [
        'inspection.external_ref_added',
        'party.external_ref_added',
        'property.external_ref_added',
        'webhook_endpoint.disabled',
        'webhook_endpoint.recovery_requested',
        'webhook_endpoint.redelivery_requested',
      ].sort(),
    );
    // And nothing the catalogue does not list, in the whole log.
    const written = await query<{ type: string }>(server.databaseUrl, 'select distinct type from events');
    expect(written.map((row) => row.type).filter((type) => !(EVENT_TYPE_NAMES as string[]).includes(type))).toEqual([]);
  });

  it('is in the OpenAPI document: a webhook per event type, with the data schema of its entity', async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; $ref?: string }> };
    };
    expect(Object.keys(document.webhooks).sort()).toEqual([...EVENT_TYPE_NAMES].sort());
    expect(
      document.webhooks['inspection.rescheduled']?.post.requestBody.content['application/json']?.schema,
    ).toMatchObject({
      properties: {
        type: { const: 'inspection.rescheduled' },
        data: { $ref: '#/components/schemas/EventData_inspection' },
      },
    });
    // The payload is a named schema (Inspection) or its alias: follow the reference.
    const schemas = document.components.schemas;
    let inspection = schemas.EventData_inspection;
    while (inspection?.$ref) inspection = schemas[String(inspection.$ref).split('/').pop() as string];
    expect(Object.keys(inspection?.properties ?? {})).toContain('previousTimes');
  });

  it('describes the webhook bodies', () => {
    const body = { type: 'webhook_endpoint.deleted', timestamp: '2026-12-05T10:00:00.000Z', data: {} };
    expect(webhookPayloadSchema.safeParse(body).success).toBe(true);
    expect(webhookPayloadSchema.safeParse({ ...body, type: 'assignment.nonsense' }).success).toBe(false);
  });

  it('narrows an event and a webhook body by type in the SDK', () => {
    expectTypeOf<TakstEvent<'inspection.rescheduled'>['data']>().toEqualTypeOf<Inspection>();
    expectTypeOf<TakstEvent<'note.added'>['entityType']>().toEqualTypeOf<'note'>();
    expectTypeOf<TakstWebhookPayload<'note.added'>['data']>().toEqualTypeOf<Note>();
    expectTypeOf<TakstEvent['type']>().toEqualTypeOf<EventType>();
    const describe = (event: TakstEvent) => {
      if (event.type === 'inspection.booked') return event.data.startsAt;
      if (event.type === 'note.added') return event.data.text;
      return event.type;
    };
    expectTypeOf(describe).returns.toEqualTypeOf<string>();
  });
});

describe('event type filters', () => {
  it('refuse an event type that does not exist, and change nothing', async () => {
    const endpointsBefore = await server.admin.webhooks.list.query({});
    const error = await caught(() =>
      server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/x', eventTypes: ['assignment.nonsense'] }),
    );
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      errorCode: 'UNKNOWN_EVENT_TYPE',
      issues: [expect.objectContaining({ path: ['eventTypes', 0] })],
    });
    expect(error.message).toContain("Unknown event type 'assignment.nonsense'");
    expect((await server.admin.webhooks.list.query({})).items).toHaveLength(endpointsBefore.items.length);

    const hook = await server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/y', eventTypes: [] });
    const refusedUpdate = await caught(() =>
      server.admin.webhooks.update.mutate({
        id: hook.endpoint.id,
        expectedVersion: hook.endpoint.version,
        patch: { eventTypes: ['inspection.booked', 'nonsense.*'] },
      }),
    );
    expect(refusedUpdate.data).toMatchObject({ errorCode: 'UNKNOWN_EVENT_TYPE' });
    expect((await server.admin.webhooks.get.query({ id: hook.endpoint.id })).version).toBe(hook.endpoint.version);

    const listError = await caught(() => server.admin.events.list.query({ types: ['inspection.moved'] }));
    expect(listError.data).toMatchObject({ errorCode: 'UNKNOWN_EVENT_TYPE' });
    // One bad name among other bad input is plain VALIDATION_FAILED.
    const mixed = await caught(() =>
      server.admin.webhooks.create.mutate({ url: 'ftp://x', eventTypes: ['assignment.nonsense'] }),
    );
    expect(mixed.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });

  it('take <entity>.* for every event of an entity type, in the events feed and in webhooks', async () => {
    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Per', text: 'Notat' });
    const onlyNotes = await server.admin.events.list.query({ types: ['note.*'], limit: 500 });
    expect(onlyNotes.items.length).toBeGreaterThan(0);
    expect(new Set(onlyNotes.items.map((event) => event.type))).toEqual(new Set(['note.added']));

    const hook = await server.admin.webhooks.create.mutate({
      url: 'http://127.0.0.1:9/notes',
      eventTypes: ['note.*'],
    });
    expect(hook.endpoint.eventTypes).toEqual(['note.*']);
    const noted = await server.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Per', text: 'To' });
    await server.admin.assignments.update.mutate({
      id: assignment.id,
      expectedVersion: assignment.version,
      patch: { dueDate: '2027-04-01' },
    });
    // The dispatcher matches the pattern: a delivery for the note, none for the assignment's update.
    const deliveries = await eventually(async () => {
      const page = await server.admin.webhooks.deliveries.query({ endpointId: hook.endpoint.id });
      return page.items.length > 0 && page.items;
    });
    expect(deliveries.map((delivery) => delivery.eventType)).toEqual(['note.added']);
    const [event] = (await server.admin.events.list.query({ entityId: noted.id })).items;
    expect(deliveries[0]?.eventSequence).toBe(event?.sequence);
  });
});
