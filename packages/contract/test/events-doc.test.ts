import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueEventSchema, EVENT_TYPE_NAMES, EVENT_TYPES, renderEventsDoc, webhookEventTypeSchema } from '../src';

/** The formatter pads table cells; the content is what must match. */
const tablesAligned = (markdown: string) =>
  markdown
    .split('\n')
    .map((line) => (line.startsWith('|') ? line.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---') : line))
    .join('\n');

describe('the event catalogue', () => {
  it('is what docs/events.md says (run `npm run docs:events` after changing it)', () => {
    const committed = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    expect(tablesAligned(committed)).toBe(tablesAligned(renderEventsDoc()));
  });

  it('names each type once, as <entity>.<verb> of its own entity type', () => {
    for (const type of EVENT_TYPE_NAMES) {
      expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(type.split('.')[0]).toBe(EVENT_TYPES[type].entityType);
    }
    const auditPairs = EVENT_TYPE_NAMES.map((type) => `${EVENT_TYPES[type].entityType}.${EVENT_TYPES[type].action}`);
    expect(new Set(auditPairs).size).toBe(auditPairs.length);
  });

  it('takes catalogued types and <entity>.* patterns, and refuses the rest as UNKNOWN_EVENT_TYPE', () => {
    expect(webhookEventTypeSchema.safeParse('inspection.rescheduled').success).toBe(true);
    expect(webhookEventTypeSchema.safeParse('assignment.*').success).toBe(true);
    for (const unknown of ['assignment.nonsense', 'nonsense.*', '*', 'assignment', 'Assignment.created']) {
      const result = webhookEventTypeSchema.safeParse(unknown);
      expect(result.success, unknown).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ params: { errorCode: 'UNKNOWN_EVENT_TYPE' } });
    }
  });

  it('tells events apart by type', () => {
    const base = {
      sequence: 1,
      id: '01900000-0000-7000-8000-000000000001',
      entityId: '01900000-0000-7000-8000-000000000002',
      changes: {},
      reason: null,
      actor: { id: null, name: 'Kari' },
      user: null,
      requestId: null,
      occurredAt: '2026-12-05T10:00:00.000Z',
    };
    const endpointEvent = { ...base, type: 'webhook_endpoint.created', entityType: 'webhook_endpoint', data: {} };
    expect(catalogueEventSchema.safeParse(endpointEvent).success).toBe(true);
    expect(catalogueEventSchema.safeParse({ ...endpointEvent, entityType: 'assignment' }).success).toBe(false);
    expect(catalogueEventSchema.safeParse({ ...endpointEvent, type: 'note.added' }).success).toBe(false);
  });
});
