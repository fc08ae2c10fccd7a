/**
 * `npm run bench`: runs every bench/*.bench.ts (each exports a default async function returning
 * { name, baseline, subject, unit }[] measured in the same run) and prints ratio = subject / baseline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchResult {
  name: string;
  baseline: number;
  subject: number;
  unit: string;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((wanted) => file.includes(wanted)))
  .sort();

let failed = false;
for (const file of files) {
  process.stdout.write(`\n${file}\n`);
  try {
    const module = (await import(pathToFileURL(path.join(benchDir, file)).href)) as {
      default: () => Promise<BenchResult[]>;
    };
    for (const result of await module.default()) {
      const ratio = result.subject / result.baseline;
      process.stdout.write(
        `  ${result.name}\n    baseline ${format(result.baseline)} ${result.unit}, subject ${format(result.subject)} ${result.unit}, ratio ${ratio.toFixed(3)}\n`,
      );
    }
  } catch (error) {
    failed = true;
    process.stdout.write(`  failed: ${(error as Error).stack ?? String(error)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
