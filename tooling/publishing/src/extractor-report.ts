// The SDK's exported surface as api-extractor reports it: every export's signature, with the
// documentation left out so that rewording a comment is not an API change.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

/** Reports one entry point (`index` or `node`) of the SDK built in `sdkDir/dist`. */
export function renderExtractorReport(sdkDir: string, entry: string, reportName: string): string {
  const tempFolder = path.join(sdkDir, '.build/api-report');
  const config = ExtractorConfig.prepare({
    configObjectFullPath: path.join(sdkDir, 'api-extractor.json'),
    packageJsonFullPath: path.join(sdkDir, 'package.json'),
    configObject: {
      projectFolder: sdkDir,
      newlineKind: 'lf',
      mainEntryPointFilePath: path.join(sdkDir, `dist/${entry}.d.ts`),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            strict: true,
            skipLibCheck: true,
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
          },
          files: [path.join(sdkDir, `dist/${entry}.d.ts`)],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: reportName,
        reportFolder: tempFolder,
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          'ae-undocumented': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
  });
  const result = Extractor.invoke(config, {
    localBuild: true,
    messageCallback: (message) => {
      // Its own chatter (which files it wrote) says nothing to someone running `npm run check`.
      if (message.category === 'console') message.handled = true;
    },
  });
  if (!result.succeeded) {
    throw new Error(`api-extractor failed on dist/${entry}.d.ts: ${result.errorCount} error(s), see above`);
  }
  return readFileSync(path.join(tempFolder, `${reportName}.api.md`), 'utf8')
    .replace(/^\/\/ @public( \(undocumented\))?\n/gm, '')
    .replace(/\n{3,}/g, '\n\n');
}
