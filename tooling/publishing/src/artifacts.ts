// What the gate guards: each committed file and how to render it from the code as it is now.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '@takst/api';
import { changedOpenApiParts, changedProcedures } from './changed-parts';
import { renderExtractorReport } from './extractor-report';
import { renderProcedureReport } from './procedure-report';

export const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const SDK_DIR = path.join(REPO_ROOT, 'packages/sdk');

export interface Artifact {
  /** Path from the repository's root, as the diff shows it. */
  file: string;
  render(sdkDir: string): string;
  /** Names the parts (procedures, operations) that differ, for the gate's message. */
  changedParts?(committed: string, rendered: string): string[];
}

export const ARTIFACTS: readonly Artifact[] = [
  { file: 'packages/sdk/api/sdk.api.md', render: (sdkDir) => renderExtractorReport(sdkDir, 'index', 'sdk') },
  { file: 'packages/sdk/api/sdk-node.api.md', render: (sdkDir) => renderExtractorReport(sdkDir, 'node', 'sdk-node') },
  {
    file: 'packages/sdk/api/sdk-procedures.api.md',
    render: renderProcedureReport,
    changedParts: changedProcedures,
  },
  {
    file: 'docs/openapi.json',
    render: () => `${JSON.stringify(openApiDocument(), null, 2)}\n`,
    changedParts: changedOpenApiParts,
  },
];

export { SDK_DIR };
