import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../auth/api-keys';

/** A one-time secret handed to a person (a set-password link's token): 32 random bytes, base64url. */
export const newToken = (): string => randomBytes(32).toString('base64url');

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const isWellFormedToken = (token: string): boolean => TOKEN_PATTERN.test(token);

/** SHA-256, as API keys are kept: for 256 random bits a fast hash is right, stretching would only cost CPU. */
export const hashToken = (token: string): string => hashApiKey(token);
