import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { collectSecrets, secretFieldPatterns, withSecrets, type SecretValue } from '../engine/input-secrets.js';
import { InputError, type ProcedureDefinition } from '../engine/types.js';
import { assertNotWorldReadable } from '../platform/files/permissions.js';
import { readSecret } from '../platform/secrets/read-secret.js';
import type { CliIo } from './io.js';

/** Input files beyond this size are refused: an input file is a few lines, a wrong file often is not. */
const MAX_INPUT_BYTES = 1024 * 1024;


/** Reads a JSON or YAML input file (by extension). */
export function readInputFile(filePath: string, cwd: string): unknown {
  const absolute = path.resolve(cwd, filePath);
  let text: string;
  try {
    if (fs.statSync(absolute).size > MAX_INPUT_BYTES) throw new InputError('--input', `${filePath} is larger than 1 MiB; give the procedure's input file.`);
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('--input', `cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the path of a JSON or YAML file.`);
  }
  try {
    return /\.ya?ml$/i.test(absolute) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new InputError('--input', `${filePath} is not valid ${/\.ya?ml$/i.test(absolute) ? 'YAML' : 'JSON'} (${(error as Error).message.split('\n')[0]}).`);
  }
}

/**
 * Replaces each secret field's reference with the secret (env var, file, stdin); a required
 * top-level secret that is missing is asked for without echo on a terminal.
 */
export async function resolveSecretReferences(procedure: ProcedureDefinition, raw: unknown, inputDir: string, io: CliIo): Promise<unknown> {
  const patterns = secretFieldPatterns(procedure.inputs);
  const resolved: SecretValue[] = [];
  let stdinUsed = false;
  const present = new Set<string>();
  for (const pattern of patterns) {
    for (const { field, value } of collectReferences(raw, pattern)) {
      present.add(field);
      if (stdinUsed && isStdinReference(value)) throw new InputError(field, 'only one secret can come from stdin; use {"env": ...} or {"file": ...} for the others.');
      stdinUsed ||= isStdinReference(value);
      resolved.push({ field, value: await resolveReference(field, value, inputDir, io) });
    }
  }
  const required = requiredTopLevelSecrets(procedure).filter((field) => !present.has(field));
  for (const field of required) {
    if (!io.stdin.isTTY) throw new InputError(field, 'missing; give {"env": "NAME"}, {"file": "path"} or {"stdin": true} in the input file, or run on a terminal to be asked.');
    resolved.push({ field, value: await readSecret(io, `${field} (not echoed): `) });
  }
  return withSecrets(raw ?? {}, resolved);
}

/** The secret fields of a run being resumed, read from the original input file's references or asked for. */
export async function resumeSecrets(fields: readonly string[], procedure: ProcedureDefinition, inputPath: string | undefined, io: CliIo): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  const fromFile = inputPath ? await resolveSecretReferences(procedure, readInputFile(inputPath, io.cwd), path.dirname(path.resolve(io.cwd, inputPath)), io) : undefined;
  const known = fromFile ? collectSecrets(fromFile, secretFieldPatterns(procedure.inputs)) : [];
  for (const field of fields) {
    const found = known.find((secret) => secret.field === field);
    if (found) secrets[field] = found.value;
    else if (io.stdin.isTTY) secrets[field] = await readSecret(io, `${field} (the same value the run started with; not echoed): `);
    else throw new InputError(field, 'needed to resume; pass the original --input file (its secret references are read again) or run on a terminal to be asked.');
  }
  return secrets;
}

function collectReferences(raw: unknown, pattern: Array<string>): Array<{ field: string; value: unknown }> {
  const found: Array<{ field: string; value: unknown }> = [];
  const walk = (node: unknown, rest: string[], at: string[]): void => {
    if (!node || typeof node !== 'object') return;
    const [head, ...tail] = rest as [string, ...string[]];
    const keys = head === '*' ? Object.keys(node) : Object.prototype.hasOwnProperty.call(node, head) ? [head] : [];
    for (const key of keys) {
      const child = (node as Record<string, unknown>)[key];
      if (tail.length === 0) found.push({ field: [...at, key].join('.'), value: child });
      else walk(child, tail, [...at, key]);
    }
  };
  walk(raw, pattern, []);
  return found;
}

function isStdinReference(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as { stdin?: unknown }).stdin === true;
}

async function resolveReference(field: string, value: unknown, inputDir: string, io: CliIo): Promise<string> {
  const reference = value as { env?: unknown; file?: unknown; stdin?: unknown };
  const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.length !== 1) {
    throw new InputError(field, 'is a secret: give a reference — {"env": "NAME"}, {"file": "path"} or {"stdin": true} — not the value itself (leave it out to be asked without echo).');
  }
  if (typeof reference.env === 'string') {
    const secret = io.env[reference.env];
    if (secret === undefined || secret === '') throw new InputError(field, `the environment variable ${reference.env} is not set; export it, or use another reference.`);
    return secret;
  }
  if (typeof reference.file === 'string') {
    const filePath = path.resolve(inputDir, reference.file);
    try {
      await assertNotWorldReadable(filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(field, `the file ${reference.file} does not exist.`);
      io.stderr.write(`warning: ${(error as Error).message}\n`);
    }
    return fs.readFileSync(filePath, 'utf8').replace(/\r?\n$/, '');
  }
  if (reference.stdin === true) return readSecret(io, `${field} (not echoed): `);
  throw new InputError(field, 'unknown reference; use {"env": "NAME"}, {"file": "path"} or {"stdin": true}.');
}

/** Top-level secret fields the schema requires (those an empty input reports missing). */
function requiredTopLevelSecrets(procedure: ProcedureDefinition): string[] {
  const parsed = procedure.inputs.safeParse({});
  if (parsed.success) return [];
  const missing = new Set(parsed.error.issues.filter((issue) => issue.path.length === 1 && issue.code === 'invalid_type').map((issue) => String(issue.path[0])));
  return secretFieldPatterns(procedure.inputs)
    .filter((pattern) => pattern.length === 1 && missing.has(pattern[0] as string))
    .map((pattern) => pattern[0] as string);
}
