import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import type { Engine } from '../../src/main/engine/engine.js';
import { SANDBOX_ADMIN_TOKEN_FILE, SANDBOX_HOMESERVER } from '../../src/main/systems/synapse/sandbox.js';

export interface SynapseUserRow {
  name: string;
  password_hash: string | null;
  admin: number;
  deactivated: number;
  locked: boolean;
}

/** Runs one statement on the engine's Synapse sandbox database (seeding it on first use). */
export async function synapseQuery<Row extends pg.QueryResultRow>(
  engine: Engine,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const url = await engine.sandbox.databaseUrl(engine.registry.system('synapse'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export function synapseUsers(engine: Engine): Promise<SynapseUserRow[]> {
  return synapseQuery<SynapseUserRow>(
    engine,
    'SELECT name, password_hash, admin, deactivated, locked FROM users ORDER BY name',
  );
}

/** Access tokens, refresh tokens and devices, per user: "user: access/refresh/devices". */
export async function sessionCounts(engine: Engine): Promise<Record<string, string>> {
  const rows = await synapseQuery<{ name: string; a: number; r: number; d: number }>(
    engine,
    `SELECT u.name,
       (SELECT count(*) FROM access_tokens t WHERE t.user_id = u.name)::int AS a,
       (SELECT count(*) FROM refresh_tokens t WHERE t.user_id = u.name)::int AS r,
       (SELECT count(*) FROM devices t WHERE t.user_id = u.name)::int AS d
     FROM users u ORDER BY u.name`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, `${row.a}/${row.r}/${row.d}`]));
}

export async function sandboxFiles(
  engine: Engine,
): Promise<{ homeserver: string; tokenFile: string; root: string }> {
  await engine.sandbox.databaseUrl(engine.registry.system('synapse'));
  const root = engine.sandbox.filesRoot('synapse');
  return {
    root,
    homeserver: path.join(root, SANDBOX_HOMESERVER),
    tokenFile: path.join(root, SANDBOX_ADMIN_TOKEN_FILE),
  };
}

/** The pepper and rounds of a homeserver.yaml, read with a plain YAML parse (not Breakglass's reader). */
export function pepperOf(homeserverFile: string): string {
  const doc = YAML.parse(fs.readFileSync(homeserverFile, 'utf8')) as {
    password_config?: { pepper?: string };
  };
  return doc.password_config?.pepper ?? '';
}

/**
 * Perl's Unicode::Normalize (NFKC) and Crypt::Eksblowfish::Bcrypt over the bytes Synapse hashes:
 * UTF-8(NFKC(password)) + UTF-8(pepper), cut to 72 bytes. `$2b$` and `$2a$` are the same
 * computation below 256 bytes of key. Values travel on stdin as hex, never on argv.
 */
const PERL_SYNAPSE_CHECK = String.raw`
use strict; use warnings;
use Encode qw(decode encode);
use Unicode::Normalize qw(NFKC);
use Crypt::Eksblowfish::Bcrypt qw(bcrypt);
my $line = <STDIN>; chomp $line;
my ($pw_hex, $pepper_hex, $stored) = split / /, $line, 3;
my $pw = decode('UTF-8', pack('H*', $pw_hex));
my $key = encode('UTF-8', NFKC($pw)) . pack('H*', $pepper_hex);
$key = substr($key, 0, 72) if length($key) > 72;
my $ok = 'false';
if ($stored =~ /^\$2b\$(\d\d)\$([.\/A-Za-z0-9]{53})$/) {
  my $as2a = '$2a$' . $1 . '$' . $2;
  $ok = bcrypt($key, substr($as2a, 0, 29)) eq $as2a ? 'true' : 'false';
}
print "$ok\n";
`;

export function perlAcceptsSynapseHash(password: string, pepper: string, stored: string): boolean {
  const result = spawnSync('/usr/bin/perl', ['-e', PERL_SYNAPSE_CHECK], {
    input: `${Buffer.from(password, 'utf8').toString('hex')} ${Buffer.from(pepper, 'utf8').toString('hex')} ${stored}\n`,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`perl bcrypt check failed: ${result.stderr}`);
  return result.stdout.trim() === 'true';
}
