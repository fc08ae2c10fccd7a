import path from 'node:path';
import YAML from 'yaml';
import {
  collectSecrets,
  secretFieldPatterns,
  withSecrets,
  type SecretValue,
} from '../engine/input-secrets.js';
import { InputError, type ProcedureDefinition } from '../engine/types.js';
import { hideFromChildren } from '../platform/exec/child-env.js';
import { readRegularFileSync, UnreadableFileError } from '../platform/files/read-regular-file.js';
import { decodeUtf8Text } from '../platform/files/utf8-text.js';
import { readSecret, readSecretFile, SecretInputError } from '../platform/secrets/read-secret.js';
import { printable } from '../../shared/printable.js';
import type { CliIo } from './io.js';

/** Input files beyond this size are refused: an input file is a few lines, a wrong file often is not. */
const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Reads a JSON or YAML input file (by extension): a regular file of at most 1 MiB, UTF-8 (a BOM is
 * dropped), holding one object of field: value pairs. YAML's merge keys (`<<`) and tags (`!!str`,
 * `!custom`) are refused: what they mean depends on the reader, and an input must mean one thing.
 */
export function readInputFile(filePath: string, cwd: string): unknown {
  const absolute = path.resolve(cwd, filePath);
  const yaml = /\.ya?ml$/i.test(absolute);
  let text: string;
  try {
    text = decodeUtf8Text(readRegularFileSync(absolute, MAX_INPUT_BYTES).bytes, filePath);
  } catch (error) {
    if (error instanceof UnreadableFileError)
      throw new InputError('--input', inputFileProblem(error, filePath));
    throw error;
  }
  const value = yaml ? parseYamlInput(text, filePath) : parseJsonInput(text, filePath);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InputError(
      '--input',
      `${filePath} holds ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not the object of field: value pairs an input file is (see \`breakglass procedures --json\`).`,
    );
  return value;
}

function inputFileProblem(error: UnreadableFileError, filePath: string): string {
  switch (error.reason) {
    case 'missing':
      return `${filePath} does not exist; give the path of a JSON or YAML file.`;
    case 'too-large':
      return `${filePath} is larger than 1 MiB; give the procedure's input file.`;
    case 'encoding':
      return error.message;
    case 'folder':
    case 'not-regular':
      return `${filePath} is not a regular file (${error.reason === 'folder' ? 'a folder' : 'a device, pipe or socket'}); give the path of a JSON or YAML file.`;
    default:
      return `cannot read ${filePath} (${error.reason === 'denied' ? 'permission denied' : 'error'}); give the path of a JSON or YAML file.`;
  }
}

function parseJsonInput(text: string, filePath: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      '--input',
      `${filePath} is not valid JSON (${printable((error as Error).message)}).`,
    );
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate !== undefined)
    throw new InputError(
      '--input',
      `${filePath} gives the field "${printable(duplicate)}" twice in one object; only one can count, so keep the one you mean.`,
    );
  return value;
}

/** The first key given twice in one object of a valid JSON text (JSON.parse keeps the last silently). */
function duplicateJsonKey(text: string): string | undefined {
  const objects: Array<{ keys: Set<string>; expectKey: boolean } | undefined> = [];
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const object = objects.at(-1);
      if (object?.expectKey) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (object.keys.has(key)) return key;
        object.keys.add(key);
        object.expectKey = false;
      }
      index = end;
    } else if (character === '{') objects.push({ keys: new Set(), expectKey: true });
    else if (character === '[') objects.push(undefined);
    else if (character === '}' || character === ']') objects.pop();
    else if (character === ',') {
      const object = objects.at(-1);
      if (object) object.expectKey = true;
    }
  }
  return undefined;
}

function parseYamlInput(text: string, filePath: string): unknown {
  const doc = YAML.parseDocument(text, { merge: false, uniqueKeys: true, prettyErrors: false });
  const invalid = (problem: string): InputError =>
    new InputError('--input', `${filePath} is not valid YAML (${printable(problem.split('\n')[0] ?? '')}).`);
  if (doc.errors[0]) throw invalid(doc.errors[0].message);
  let refused: string | undefined;
  YAML.visit(doc, {
    Node(_key, node) {
      // Only a tag written in the file is set on a parsed node.
      if ((YAML.isScalar(node) || YAML.isCollection(node)) && node.tag !== undefined) {
        refused = `a YAML tag (${printable(node.tag)}); write the plain value`;
        return YAML.visit.BREAK;
      }
      return undefined;
    },
    Pair(_key, pair) {
      if (YAML.isScalar(pair.key) && pair.key.value === '<<') {
        refused = 'a YAML merge key (<<); write each field out';
        return YAML.visit.BREAK;
      }
      return undefined;
    },
  });
  if (refused) throw new InputError('--input', `${filePath} uses ${refused}.`);
  if (doc.warnings[0]) throw invalid(doc.warnings[0].message);
  return doc.toJS({ maxAliasCount: 100 });
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
    hideFromChildren(reference.env);
    return secret;
  }
  if (typeof reference.file === 'string') return readSecretFileField(field, reference.file, inputDir);
  if (reference.stdin === true) return readSecret(io, `${field} (not echoed): `);
  throw new InputError(field, 'unknown reference; use {"env": "NAME"}, {"file": "path"} or {"stdin": true}.');
}

/** A `{"file": path}` secret, relative to the input file; see readSecretFile for what is refused. */
async function readSecretFileField(field: string, file: string, inputDir: string): Promise<string> {
  try {
    return await readSecretFile(path.resolve(inputDir, file));
  } catch (error) {
    if (error instanceof SecretInputError) throw new InputError(field, error.message);
    throw error;
  }
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
