export { createLog, type Log, type LogLevel } from '@takst/connector-runtime';
export { type BookingSyncConfig, ConfigError, loadConfig, type ToolAConfig, type ToolBConfig } from './config';
export { fromOsloLocal, toOsloLocal } from './oslo-time';
export { type BookingSyncService, runBackfill, startBookingSync } from './service';
export { type Alignment, align, type Slot, sameSlot } from './slots';
export { type BackfillCounts, type BookingSync, createBookingSync, type ToolChange } from './sync';
export type { BookingSystem, BookingTool, ToolBooking } from './tool';
export { kalendraTool } from './tools/kalendra';
export { planlySignatureMatches, planlyTool } from './tools/planly';
