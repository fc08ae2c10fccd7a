import { randomInt } from 'node:crypto';

/**
 * `length` characters drawn uniformly and independently from `alphabet` with the CSPRNG.
 * crypto.randomInt draws by rejection sampling, so no character is favoured (no modulo bias).
 */
export function randomString(alphabet: string, length: number): string {
  const characters = [...alphabet];
  if (characters.length < 2) throw new RangeError('An alphabet needs at least two characters.');
  let result = '';
  for (let index = 0; index < length; index += 1) result += characters[randomInt(characters.length)];
  return result;
}
