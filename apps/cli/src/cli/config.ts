import { readFileSync } from 'node:fs';
import path from 'node:path';
import { usageError } from './exit-codes';
import { fileProblem } from './file-errors';

/** Where and as whom to call the platform. */
export interface Connection {
  url: string;
  apiKey: string;
}

export interface ConnectionFlags {
  url?: string | undefined;
  apiKey?: string | undefined;
  profile?: string | undefined;
}

interface Profile {
  url?: string;
  apiKey?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_CONFIG_HOME/takst/config.json`, or `~/.config/takst/config.json`. */
export function profileFilePath(env: Env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || env.USERPROFILE || '.', '.config');
  return path.join(base, 'takst', 'config.json');
}

function readProfiles(file: string): Record<string, Profile> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usageError(`Cannot read the profile file ${file}: ${fileProblem(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`The profile file ${file} is not valid JSON`);
  }
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw usageError(`The profile file ${file} must look like { "profiles": { "default": { "url", "apiKey" } } }`);
  }
  return profiles as Record<string, Profile>;
}

function loadProfile(flags: ConnectionFlags, env: Env): Profile {
  const named = flags.profile ?? env.TAKST_PROFILE;
  const file = profileFilePath(env);
  const profiles = readProfiles(file);
  const name = named ?? 'default';
  const profile = profiles?.[name];
  if (profile === undefined) {
    // Only a profile asked for by name must exist; without one, flags and environment suffice.
    if (named !== undefined) throw usageError(`No profile "${name}" in ${file}`);
    return {};
  }
  if (typeof profile !== 'object' || profile === null)
    throw usageError(`Profile "${name}" in ${file} is not an object`);
  return profile;
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`The platform URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usageError(`The platform URL must be http:// or https://, not ${parsed.protocol}`);
  }
  return url.replace(/\/+$/, '');
}

/** Each setting from the flags, else the environment, else the profile. */
export function resolveConnection(flags: ConnectionFlags, env: Env): Connection {
  const given = {
    url: flags.url ?? (env.TAKST_URL || undefined),
    apiKey: flags.apiKey ?? (env.TAKST_API_KEY || undefined),
  };
  // The profile file is read only when a profile is named or a setting is still missing.
  const profileNeeded = flags.profile !== undefined || env.TAKST_PROFILE || !given.url || !given.apiKey;
  const profile = profileNeeded ? loadProfile(flags, env) : {};
  const url = given.url ?? profile.url;
  const apiKey = given.apiKey ?? profile.apiKey;
  if (!url) throw usageError('No platform URL: pass --url, set TAKST_URL, or add "url" to a profile');
  if (!apiKey) throw usageError('No API key: pass --api-key, set TAKST_API_KEY, or add "apiKey" to a profile');
  return { url: checkedUrl(url), apiKey };
}
