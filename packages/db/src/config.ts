import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ApiClientEntity } from './entities/api-client';
import { AppraiserEntity } from './entities/appraiser';
import { AssignmentEntity } from './entities/assignment';
import { ExternalRefEntity } from './entities/external-ref';
import { AuditEntryEntity, NoteEntity, StatusChangeEntity } from './entities/history';
import { InspectionEntity } from './entities/inspection';
import { PartyEntity } from './entities/party';
import { PropertyEntity } from './entities/property';
import { ReportVersionEntity } from './entities/report-version';
import { SessionEntity, UserEntity, UserTokenEntity } from './entities/user';
import { WebhookEndpointEntity } from './entities/webhook-endpoint';
import { migrationsList } from './migrations/index';

export const entities = [
  ApiClientEntity,
  AppraiserEntity,
  AssignmentEntity,
  AuditEntryEntity,
  ExternalRefEntity,
  InspectionEntity,
  NoteEntity,
  PartyEntity,
  PropertyEntity,
  ReportVersionEntity,
  SessionEntity,
  StatusChangeEntity,
  UserEntity,
  UserTokenEntity,
  WebhookEndpointEntity,
];

export interface OrmConfigInput {
  databaseUrl: string;
  poolMax?: number;
  debug?: boolean;
  /** Where MikroORM's own messages (migrator, debug) go. */
  log?: (message: string) => void;
}

export function createOrmConfig({ databaseUrl, poolMax = 10, debug = false, log }: OrmConfigInput): Options {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    // The wire format carries dates as YYYY-MM-DD strings and timestamps as Date; no TZ games.
    timezone: 'Z',
    forceUtcTimezone: true,
    pool: { min: 0, max: poolMax },
    debug,
    logger: log ?? (() => undefined),
    allowGlobalContext: false,
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  });
}
