import { z } from 'zod';
import { normalizeFingerprint } from './trust.js';
import type { HttpTls } from './types.js';

/**
 * The TLS fields a procedure with an HTTP API offers (`caFile`, `pinSha256`, `insecure`), as one
 * zod object so every product names and checks them the same way. At most one may be given.
 */
export const httpTlsInput = z
  .object({
    caFile: z.string().trim().min(1).optional().meta({
      title: 'CA file (PEM)',
      description: 'Trust the internal CA in this file besides the system trust store.',
    }),
    pinSha256: z
      .string()
      .trim()
      .optional()
      .refine((value) => value === undefined || isFingerprint(value), {
        message:
          'a SHA-256 fingerprint is 64 hex digits, colons optional (openssl x509 -noout -fingerprint -sha256)',
      })
      .meta({
        title: 'Pinned certificate (SHA-256)',
        description:
          'Trust only the server certificate with this fingerprint (its CA and name are not checked).',
      }),
    insecure: z.boolean().optional().meta({
      title: 'Do not verify the certificate',
      description: 'Last resort: anyone on the network path could read the token. Recorded in the journal.',
    }),
  })
  .refine((tls) => [tls.caFile, tls.pinSha256, tls.insecure ? true : undefined].filter(Boolean).length <= 1, {
    message: 'choose one of caFile, pinSha256 or insecure',
  });

export type HttpTlsInput = z.output<typeof httpTlsInput>;

/** The adapter's TLS mode for these inputs (system trust store when none is given). */
export function tlsFromInput(input: HttpTlsInput | undefined): HttpTls {
  if (input?.pinSha256) return { mode: 'pinned', sha256: input.pinSha256 };
  if (input?.caFile) return { mode: 'ca-file', caFile: input.caFile };
  if (input?.insecure) return { mode: 'insecure' };
  return { mode: 'system' };
}

/** One line for a plan's facts: how the server's certificate will be trusted. */
export function describeTls(mode: HttpTls): string {
  switch (mode.mode) {
    case 'system':
      return 'the system trust store';
    case 'ca-file':
      return `the system trust store and the CA file ${mode.caFile}`;
    case 'pinned':
      return `only the certificate with SHA-256 ${normalizeFingerprint(mode.sha256)}`;
    case 'insecure':
      return 'NOT VERIFIED (explicit choice, journaled)';
  }
}

function isFingerprint(value: string): boolean {
  return /^[0-9a-f]{64}$/i.test(value.replace(/[\s:]/g, ''));
}
