import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import type { z } from 'zod';
import { authenticate, authorize, authorizePerson, type Credentials } from './auth/caller';
import { DomainError } from './errors';
import { refusalOfRawInput } from './lib/raw-input';
import { ownerOf, type Platform } from './platform';
import { appRouter } from './router';
import type { ProcedureMeta } from './trpc';

interface ProcedureDef {
  _def: { type: string; meta?: ProcedureMeta; inputs: unknown[] };
}

// Keyed by dotted path, e.g. `events.subscribe`.
const procedures = (appRouter as AnyTRPCRouter)._def.procedures as Record<string, ProcedureDef | undefined>;

export interface SubscriptionCall extends Credentials {
  path: string;
  /** The input as sent, with `lastEventId` merged in as tRPC merges it; read only for a subscription. */
  rawInput(): unknown;
}

/**
 * The refusal a subscription call meets before its stream would start — no working key, the
 * rate limit, a missing scope, input its schema refuses — checked as the procedure middleware
 * checks them, without running the procedure or charging the rate limit (the call itself does
 * that); null when none applies, or when `path` is no subscription.
 *
 * Why: tRPC answers a subscription `200 text/event-stream` first and runs the procedure after, so
 * a refusal would reach the client as the stream's first event, under a 200. The HTTP layer asks
 * here first and refuses with the status the refusal has.
 */
export async function refusalOfSubscription(platform: Platform, call: SubscriptionCall): Promise<TRPCError | null> {
  const def = procedures[call.path]?._def;
  const meta = def?.meta;
  // A subscription that declares no scope or roles is refused by the middleware itself.
  if (def?.type !== 'subscription' || !meta?.scope || !Array.isArray(meta.roles)) return null;
  try {
    const actor = await authenticate(platform, call);
    await platform.rateLimiter.check(ownerOf(actor));
    authorize(actor, meta.scope);
    authorizePerson(actor, meta.roles, call.path);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  const rawInput = call.rawInput();
  const refused = refusalOfRawInput(rawInput, { itemsCheckedOneByOne: meta.checksItemsOneByOne === true });
  if (refused) return refused;
  for (const parser of def.inputs as z.ZodType[]) {
    const parsed = await parser.safeParseAsync(rawInput);
    if (!parsed.success) return new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: parsed.error });
  }
  return null;
}
