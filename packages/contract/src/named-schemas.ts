import type { z } from 'zod';
import { apiClientSchema, createdApiClientSchema, listApiClientsOutput } from './api-client';
import { appraiserPageSchema, appraiserSchema, certificationSchema } from './appraiser';
import { appraiserSummarySchema, assignmentPageSchema, assignmentSchema } from './assignment';
import { eventEnvelopeSchema, eventPageSchema } from './event';
import { externalRefRecordSchema, listExternalRefsOutput } from './external-ref';
import { auditEntrySchema, auditPageSchema, timelineEntrySchema, timelineOutput } from './history';
import { inspectionPageSchema, inspectionSchema } from './inspection';
import { notePageSchema, noteSchema } from './note';
import { partyPageSchema, partySchema, partySummarySchema } from './party';
import { cadastreSchema, propertyPageSchema, propertySchema, propertySummarySchema } from './property';
import { reportContentSchema, reportListSchema, reportSchema } from './report';
import { invitedUserSchema, listUsersOutput, meSchema, userSchema } from './user';
import {
  deliveryAttemptSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointPageSchema,
  webhookEndpointSchema,
  webhookSecretSchema,
  webhookWithSecretSchema,
} from './webhook';

/**
 * The output schemas that carry a stable name (`.meta({ id })`), by that name: the OpenAPI
 * document emits each as `components.schemas.<name>`, and zod's JSON Schema of anything that
 * holds one refers to it as `#/$defs/<name>`. Only answers are named, never inputs: a name is
 * pulled out to `$defs` wherever the schema is converted, and an input and an output of one
 * name would collide. A test holds each key to its schema's id.
 */
export const NAMED_OUTPUT_SCHEMAS = {
  Assignment: assignmentSchema,
  AssignmentPage: assignmentPageSchema,
  AppraiserSummary: appraiserSummarySchema,
  Appraiser: appraiserSchema,
  AppraiserPage: appraiserPageSchema,
  Certification: certificationSchema,
  Party: partySchema,
  PartySummary: partySummarySchema,
  PartyPage: partyPageSchema,
  Property: propertySchema,
  PropertySummary: propertySummarySchema,
  PropertyPage: propertyPageSchema,
  Cadastre: cadastreSchema,
  Inspection: inspectionSchema,
  InspectionPage: inspectionPageSchema,
  Report: reportSchema,
  ReportContent: reportContentSchema,
  ReportList: reportListSchema,
  Note: noteSchema,
  NotePage: notePageSchema,
  User: userSchema,
  UserPage: listUsersOutput,
  InvitedUser: invitedUserSchema,
  Me: meSchema,
  ApiClient: apiClientSchema,
  ApiClientList: listApiClientsOutput,
  CreatedApiClient: createdApiClientSchema,
  WebhookEndpoint: webhookEndpointSchema,
  WebhookEndpointPage: webhookEndpointPageSchema,
  WebhookEndpointWithSecret: webhookWithSecretSchema,
  WebhookSecret: webhookSecretSchema,
  WebhookDelivery: webhookDeliverySchema,
  WebhookDeliveryAttempt: deliveryAttemptSchema,
  WebhookDeliveryPage: webhookDeliveryPageSchema,
  Event: eventEnvelopeSchema,
  EventPage: eventPageSchema,
  TimelineEntry: timelineEntrySchema,
  Timeline: timelineOutput,
  AuditEntry: auditEntrySchema,
  AuditPage: auditPageSchema,
  ExternalRef: externalRefRecordSchema,
  ExternalRefList: listExternalRefsOutput,
} as const satisfies Record<string, z.ZodType>;

export type NamedOutputSchemaName = keyof typeof NAMED_OUTPUT_SCHEMAS;
