/**
 * Hashes per second of each scheme's wrapper against its primitive called directly, in the same run
 * (ratio = subject / baseline: 1.0 means the wrapper adds nothing measurable).
 */
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { argon2id, bcrypt } from 'hash-wasm';
import { hashAuthgearPassword } from '../src/main/systems/authgear/hash.js';
import { hashOutSystemsPassword } from '../src/main/systems/outsystems/hash.js';
import { hashSynapsePassword } from '../src/main/systems/synapse/hash.js';
import { hashSysReptorPassword } from '../src/main/systems/sysreptor/hash.js';

interface Result {
  name: string;
  baseline: number;
  subject: number;
  unit: string;
}

const PASSWORD = 'correct horse battery staple ☃';

async function perSecond(iterations: number, operation: () => unknown): Promise<number> {
  await operation();
  const started = process.hrtime.bigint();
  for (let index = 0; index < iterations; index += 1) await operation();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return iterations / seconds;
}

async function compare(
  name: string,
  iterations: number,
  baseline: () => unknown,
  subject: () => unknown,
): Promise<Result> {
  return {
    name,
    baseline: await perSecond(iterations, baseline),
    subject: await perSecond(iterations, subject),
    unit: 'hashes/s',
  };
}

export default async function (): Promise<Result[]> {
  const salt16 = randomBytes(16);
  return [
    await compare(
      'outsystems $1$: hashOutSystemsPassword vs node sha512 over UTF-16LE',
      20_000,
      () => {
        const saltText = randomBytes(32).toString('base64');
        return createHash('sha512')
          .update(Buffer.from(PASSWORD + saltText, 'utf16le'))
          .digest('hex')
          .toUpperCase();
      },
      () => hashOutSystemsPassword(PASSWORD),
    ),
    await compare(
      'synapse bcrypt cost 8: hashSynapsePassword vs hash-wasm bcrypt',
      20,
      () => bcrypt({ password: Buffer.from(PASSWORD.normalize('NFKC')), salt: salt16, costFactor: 8 }),
      () => hashSynapsePassword(PASSWORD, { rounds: 8 }),
    ),
    await compare(
      'synapse bcrypt cost 8: hashSynapsePassword vs bcryptjs',
      20,
      () => bcryptjs.hash(PASSWORD.normalize('NFKC'), 8),
      () => hashSynapsePassword(PASSWORD, { rounds: 8 }),
    ),
    await compare(
      'authgear bcrypt-sha512 cost 10: hashAuthgearPassword vs hash-wasm bcrypt over the digest',
      5,
      () =>
        bcrypt({ password: createHash('sha512').update(PASSWORD).digest(), salt: salt16, costFactor: 10 }),
      () => hashAuthgearPassword(PASSWORD),
    ),
    await compare(
      'django pbkdf2_sha256 10k iterations: hashSysReptorPassword vs node pbkdf2',
      50,
      () => pbkdf2Sync(PASSWORD, 'saltsaltsaltsaltsalt12', 10_000, 32, 'sha256').toString('base64'),
      () => hashSysReptorPassword(PASSWORD, { algorithm: 'pbkdf2_sha256', iterations: 10_000 }),
    ),
    await compare(
      'django argon2id m=102400 t=2 p=8: hashSysReptorPassword vs hash-wasm argon2id',
      3,
      () =>
        argon2id({
          password: PASSWORD,
          salt: 'saltsaltsaltsaltsalt12',
          iterations: 2,
          memorySize: 102_400,
          parallelism: 8,
          hashLength: 32,
          outputType: 'encoded',
        }),
      () => hashSysReptorPassword(PASSWORD, { algorithm: 'argon2' }),
    ),
  ];
}
