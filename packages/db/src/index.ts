export type { EntityManager, EventSubscriber, TransactionEventArgs } from '@mikro-orm/postgresql';
export {
  ConstraintViolationException,
  ForeignKeyConstraintViolationException,
  LockMode,
  MikroORM,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
export { createOrmConfig, entities, type OrmConfigInput } from './config';
export { type ApiClient, ApiClientEntity } from './entities/api-client';
export { type Appraiser, AppraiserEntity, type CertificationRecord } from './entities/appraiser';
export { type Assignment, AssignmentEntity } from './entities/assignment';
export { type ExternalRef, ExternalRefEntity } from './entities/external-ref';
export {
  type AuditEntry,
  AuditEntryEntity,
  type Note,
  NoteEntity,
  type StatusChange,
  StatusChangeEntity,
} from './entities/history';
export { type Inspection, InspectionEntity, type PreviousTime } from './entities/inspection';
export { type Party, PartyEntity } from './entities/party';
export { type Property, PropertyEntity } from './entities/property';
export { type ReportVersion, ReportVersionEntity } from './entities/report-version';
export {
  type Session,
  SessionEntity,
  type User,
  UserEntity,
  type UserToken,
  UserTokenEntity,
} from './entities/user';
export { type WebhookEndpoint, WebhookEndpointEntity } from './entities/webhook-endpoint';
export { migrationsList } from './migrations/index';
