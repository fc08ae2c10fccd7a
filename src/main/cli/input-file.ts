import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  collectSecrets,
  secretFieldPatterns,
  withSecrets,
  type SecretValue,
} from '../engine/input-secrets.js';
import { InputError, type ProcedureDefinition } from '../engine/types.js';
import { assertNotWorldReadable, FilePermissionError } from '../platform/files/permissions.js';
import { readSecret } from '../platform/secrets/read-secret.js';
import type { CliIo } from './io.js';

/** Input files beyond this size are refused: an input file is a few lines, a wrong file often is not. */
const MAX_INPUT_BYTES = 1024 * 1024;
/** A `{"file": path}` secret holds a password or a key, never more than this. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** Reads a JSON or YAML input file (by extension). */
export function readInputFile(filePath: string, cwd: string): unknown {
  const absolute = path.resolve(cwd, filePath);
  let text: string;
  try {
    if (fs.statSync(absolute).size > MAX_INPUT_BYTES)
      throw new InputError('--input', `${filePath} is larger than 1 MiB; give the procedure's input file.`);
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      '--input',
      `cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the path of a JSON or YAML file.`,
    );
  }
  try {
    return /\.ya?ml$/i.test(absolute) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new InputError(
      '--input',
      `${filePath} is not valid ${/\.ya?ml$/i.test(absolute) ? 'YAML' : 'JSON'} (${(error as Error).message.split('\n')[0]}).`,
    );
  }
}

/**
 * Replaces each secret field's reference with the secret (env var, file, stdin); a required
 * top-level secret that is missing is asked for without echo on a terminal.
 */
export async function resolveSecretReferences(
  procedure: ProcedureDefinition,
  raw: unknown,
  inputDir: string,
  io: CliIo,
): Promise<unknown> {
  const patterns = secretFieldPatterns(procedure.inputs);
  const resolved: SecretValue[] = [];
  let stdinUsed = false;
  const present = new Set<string>();
  for (const pattern of patterns) {
    for (const { field, value } of collectReferences(raw, pattern)) {
      present.add(field);
      if (stdinUsed && isStdinReference(value))
        throw new InputError(
          field,
          'only one secret can come from stdin; use {"env": ...} or {"file": ...} for the others.',
        );
      stdinUsed ||= isStdinReference(value);
      resolved.push({ field, value: await resolveReference(field, value, inputDir, io) });
    }
  }
  const required = requiredTopLevelSecrets(procedure).filter((field) => !present.has(field));
  for (const field of required) {
    if (!io.stdin.isTTY)
      throw new InputError(
        field,
        'missing; give {"env": "NAME"}, {"file": "path"} or {"stdin": true} in the input file, or run on a terminal to be asked.',
      );
    resolved.push({ field, value: await readSecret(io, `${field} (not echoed): `) });
  }
  return withSecrets(raw ?? {}, resolved);
}

/** The secret fields of a run being resumed, read from the original input file's references or asked for. */
export async function resumeSecrets(
  fields: readonly string[],
  procedure: ProcedureDefinition,
  inputPath: string | undefined,
  io: CliIo,
): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  const fromFile = inputPath
    ? await resolveSecretReferences(
        procedure,
        readInputFile(inputPath, io.cwd),
        path.dirname(path.resolve(io.cwd, inputPath)),
        io,
      )
    : undefined;
  const known = fromFile ? collectSecrets(fromFile, secretFieldPatterns(procedure.inputs)) : [];
  for (const field of fields) {
    const found = known.find((secret) => secret.field === field);
    if (found) secrets[field] = found.value;
    else if (io.stdin.isTTY)
      secrets[field] = await readSecret(io, `${field} (the same value the run started with; not echoed): `);
    else
      throw new InputError(
        field,
        'needed to resume; pass the original --input file (its secret references are read again) or run on a terminal to be asked.',
      );
  }
  return secrets;
}

function collectReferences(raw: unknown, pattern: Array<string>): Array<{ field: string; value: unknown }> {
  const found: Array<{ field: string; value: unknown }> = [];
  const walk = (node: unknown, rest: string[], at: string[]): void => {
    if (!node || typeof node !== 'object') return;
    const [head, ...tail] = rest as [string, ...string[]];
    const keys =
      head === '*' ? Object.keys(node) : Object.prototype.hasOwnProperty.call(node, head) ? [head] : [];
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
    throw new InputError(
      field,
      'is a secret: give a reference — {"env": "NAME"}, {"file": "path"} or {"stdin": true} — not the value itself (leave it out to be asked without echo).',
    );
  }
  if (typeof reference.env === 'string') {
    const secret = io.env[reference.env];
    if (secret === undefined || secret === '')
      throw new InputError(
        field,
        `the environment variable ${reference.env} is not set; export it, or use another reference.`,
      );
    return secret;
  }
  if (typeof reference.file === 'string') return readSecretFile(field, reference.file, inputDir);
  if (reference.stdin === true) return readSecret(io, `${field} (not echoed): `);
  throw new InputError(field, 'unknown reference; use {"env": "NAME"}, {"file": "path"} or {"stdin": true}.');
}

/**
 * A `{"file": path}` secret: a regular file of at most 64 KiB that only its owner can read (the
 * mode is not checked on Windows, where POSIX modes say nothing about the ACL); one trailing
 * newline is dropped. Anything else is refused naming the field and the fix.
 */
async function readSecretFile(field: string, file: string, inputDir: string): Promise<string> {
  const filePath = path.resolve(inputDir, file);
  const unreadable = (error: unknown): InputError => {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT')
      return new InputError(
        field,
        `the file ${file} does not exist (looked for ${filePath}); fix the path, relative to the input file.`,
      );
    if (code === 'EACCES' || code === 'EPERM')
      return new InputError(
        field,
        `cannot read the file ${file} (${code}); run as its owner, or fix its permissions.`,
      );
    if (code === 'EISDIR')
      return new InputError(field, `${file} is a folder; give the path of a file holding only the secret.`);
    return new InputError(
      field,
      `cannot read the file ${file} (${code}); give the path of a file holding only the secret.`,
    );
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (error) {
    throw unreadable(error);
  }
  if (stat.isDirectory()) throw unreadable(Object.assign(new Error('directory'), { code: 'EISDIR' }));
  if (!stat.isFile())
    throw new InputError(
      field,
      `${file} is not a regular file (a device, pipe or socket); give the path of a file holding only the secret.`,
    );
  if (stat.size > MAX_SECRET_FILE_BYTES)
    throw new InputError(field, `${file} is larger than 64 KiB; give a file holding only the secret.`);
  try {
    await assertNotWorldReadable(filePath);
  } catch (error) {
    if (error instanceof FilePermissionError) {
      throw new InputError(
        field,
        `the secret file ${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8).padStart(3, '0')}). Fix: chmod 600 ${filePath}`,
      );
    }
    throw unreadable(error);
  }
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    throw unreadable(error);
  }
  return text.replace(/\r?\n$/, '');
}

/** Top-level secret fields the schema requires (those an empty input reports missing). */
function requiredTopLevelSecrets(procedure: ProcedureDefinition): string[] {
  const parsed = procedure.inputs.safeParse({});
  if (parsed.success) return [];
  const missing = new Set(
    parsed.error.issues
      .filter((issue) => issue.path.length === 1 && issue.code === 'invalid_type')
      .map((issue) => String(issue.path[0])),
  );
  return secretFieldPatterns(procedure.inputs)
    .filter((pattern) => pattern.length === 1 && missing.has(pattern[0] as string))
    .map((pattern) => pattern[0] as string);
}
