import { type BuildOptions, build } from 'esbuild';

/** The SDK bundled as a browser loads it: one script that sets the global `TakstSdk`. */
export async function browserBundle(source: Pick<BuildOptions, 'entryPoints' | 'stdin'>): Promise<string> {
  const bundled = await build({
    ...source,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'TakstSdk',
    write: false,
    logLevel: 'silent',
  });
  return bundled.outputFiles[0]?.text ?? '';
}
