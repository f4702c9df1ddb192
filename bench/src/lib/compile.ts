import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/**
 * Strips the types from a single-file script into plain JavaScript beside the bench's
 * node_modules. The baseline then runs on bare `node`: under tsx, its loader thread alone adds
 * ~30 MB of RSS, which would blur the memory comparison.
 */
export async function compileScript(source: string, outDir: string): Promise<string> {
  const { outputText } = ts.transpileModule(await readFile(source, 'utf8'), {
    fileName: source,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, `${path.basename(source, '.ts')}.mjs`);
  await writeFile(out, outputText);
  return out;
}
