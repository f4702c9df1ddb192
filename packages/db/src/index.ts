export type { EntityManager } from '@mikro-orm/postgresql';
export { MikroORM, OptimisticLockError } from '@mikro-orm/postgresql';
export { createOrmConfig, entities, type OrmConfigInput } from './config';
export { type ApiClient, ApiClientEntity } from './entities/api-client';
export { type Assignment, AssignmentEntity } from './entities/assignment';
export { migrationsList } from './migrations/index';
