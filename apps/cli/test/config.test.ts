import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileFilePath, resolveConnection } from '../src/cli/config';
import { tempDir } from './support/temp';

function configHome(profiles: unknown): string {
  const home = tempDir('config');
  mkdirSync(path.join(home, 'takst'));
  writeFileSync(path.join(home, 'takst', 'config.json'), JSON.stringify({ profiles }));
  return home;
}

describe('resolveConnection', () => {
  const emptyHome = tempDir('home');
  const home = configHome({
    default: { url: 'https://default.example.no/', apiKey: 'tk_default' },
    staging: { url: 'https://staging.example.no', apiKey: 'tk_staging' },
  });

  it('takes flags over the environment over the profile, setting by setting', () => {
    const env = { XDG_CONFIG_HOME: home, TAKST_URL: 'https://env.example.no' };
    expect(resolveConnection({}, env)).toEqual({ url: 'https://env.example.no', apiKey: 'tk_default' });
    expect(resolveConnection({ apiKey: 'tk_flag' }, env)).toEqual({ url: 'https://env.example.no', apiKey: 'tk_flag' });
    expect(resolveConnection({ url: 'http://flag:3000/' }, env)).toEqual({
      url: 'http://flag:3000',
      apiKey: 'tk_default',
    });
  });

  it('uses the profile named by flag or environment, and refuses one that does not exist', () => {
    expect(resolveConnection({ profile: 'staging' }, { XDG_CONFIG_HOME: home })).toEqual({
      url: 'https://staging.example.no',
      apiKey: 'tk_staging',
    });
    expect(resolveConnection({}, { XDG_CONFIG_HOME: home, TAKST_PROFILE: 'staging' }).apiKey).toBe('tk_staging');
    expect(() => resolveConnection({ profile: 'prod' }, { XDG_CONFIG_HOME: home })).toThrow('No profile "prod"');
  });

  it('says what is missing, and where to give it', () => {
    const empty = { HOME: emptyHome };
    expect(() => resolveConnection({}, empty)).toThrow('No platform URL: pass --url, set TAKST_URL');
    expect(() => resolveConnection({ url: 'https://x.no' }, empty)).toThrow('No API key');
    expect(() => resolveConnection({ url: 'ftp://x.no', apiKey: 'k' }, empty)).toThrow('must be http:// or https://');
  });

  it('finds the profile file under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(profileFilePath({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/takst/config.json');
    expect(profileFilePath({ HOME: '/home/kari' })).toBe('/home/kari/.config/takst/config.json');
  });
});
