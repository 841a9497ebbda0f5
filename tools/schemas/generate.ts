// `./tradewind schemas generate`: writes libs/platform/contracts/src/generated/ from schemas/topics.yaml and the .avsc
// files it names. Only changed files are rewritten; files no longer generated are removed.
import fs from 'node:fs';
import path from 'node:path';

import { loadCatalog } from './catalog';
import { runCli } from './cli';
import { generateContracts, staleFiles } from './codegen';
import { defaultGeneratedDir, defaultSchemasDir, displayPath } from './paths';

export interface GenerateOptions {
  schemasDir?: string;
  generatedDir?: string;
  log?: (line: string) => void;
}

/** Regenerates the contracts; returns the files it wrote or removed. */
export async function runGenerate(options: GenerateOptions = {}): Promise<string[]> {
  const generatedDir = path.resolve(options.generatedDir ?? defaultGeneratedDir());
  const log = options.log ?? ((line: string) => console.log(line));
  const catalog = loadCatalog({ schemasDir: options.schemasDir ?? defaultSchemasDir() });
  const files = await generateContracts(catalog);
  const changed: string[] = [];
  fs.mkdirSync(generatedDir, { recursive: true });
  for (const { file, why } of staleFiles(generatedDir, files)) {
    if (why === 'no longer generated') {
      fs.rmSync(file);
      log(`removed ${displayPath(file)} (${why})`);
    } else {
      const name = path.basename(file);
      fs.writeFileSync(file, files.find((generated) => generated.name === name)!.content);
      log(`wrote ${displayPath(file)}`);
    }
    changed.push(file);
  }
  if (changed.length === 0) log(`${displayPath(generatedDir)} is up to date`);
  return changed;
}

if (require.main === module) {
  runCli(async () => {
    await runGenerate();
    return 0;
  });
}
