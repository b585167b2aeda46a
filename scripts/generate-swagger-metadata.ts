/*
 * Writes src/metadata.ts: the @nestjs/swagger CLI plugin's view of our DTOs and controllers
 * (types, JSDoc descriptions, class-validator limits). `nest build` applies the plugin itself;
 * SWC (Jest, the dev runner) runs no TypeScript plugins, so those load this file instead.
 * Generated before build, dev, test and openapi; not committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';

const nestCli = JSON.parse(readFileSync('nest-cli.json', 'utf8')) as {
  compilerOptions: { plugins: { name: string; options: Record<string, unknown> }[] };
};
const swaggerOptions = nestCli.compilerOptions.plugins.find((plugin) => plugin.name === '@nestjs/swagger')?.options ?? {};

const outputDir = new URL('../src', import.meta.url).pathname;
// The generator type-checks the program, which imports this very file: start from an empty one,
// so a stale copy (naming files that moved) cannot fail the check.
writeFileSync(`${outputDir}/metadata.ts`, 'export default async () => ({});\n');

new PluginMetadataGenerator().generate({
  visitors: [new ReadonlyVisitor({ ...swaggerOptions, pathToSource: outputDir })],
  outputDir,
  tsconfigPath: 'tsconfig.build.json',
  filename: 'metadata.ts',
  printDiagnostics: false,
});
