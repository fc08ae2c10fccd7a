/**
 * Why a front-end could not be reached or worked on through PowerShell remoting, decided from the
 * error record's FullyQualifiedErrorId where it is documented and else from the documented message
 * texts (about_Remote_Troubleshooting, real console output; see outsystems-farm-formats.md §5).
 * Anything else is 'unknown' and carries the raw (redacted) text, so a wrong guess shows.
 */
import { Redactor } from '../../../shared/redact.js';

export type RemotingFailure =
  | 'access-denied'
  | 'refused'
  | 'kerberos'
  | 'unreachable'
  | 'timeout'
  | 'remote-folder-missing'
  | 'second-hop'
  | 'unknown';

/** An error record as the scripts print it (or as read from a console error block). */
export interface PowerShellErrorRecord {
  fullyQualifiedErrorId?: string;
  message: string;
}

const BUNDLE = 'or use the farm bundle on that server (run Breakglass there, offline)';

export class RemotingError extends Error {
  constructor(
    readonly kind: RemotingFailure,
    readonly computerName: string,
    /** What happened, in a sentence. */
    readonly problem: string,
    /** What an admin can do about it. */
    readonly fix: string,
    /** The record's text, redacted, when it helps to see it (always for 'unknown'). */
    readonly raw?: string,
  ) {
    super(`${problem} ${fix}${raw !== undefined ? ` PowerShell said: ${raw}` : ''}`);
    this.name = 'RemotingError';
  }
}

interface Rule {
  kind: Exclude<RemotingFailure, 'unknown'>;
  ids?: readonly string[];
  texts: readonly RegExp[];
}

// Order matters: a second-hop login text or a missing folder can come wrapped in other words.
const RULES: readonly Rule[] = [
  { kind: 'second-hop', texts: [/Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'/i] },
  {
    kind: 'remote-folder-missing',
    ids: ['RemoteDirectoryNotFound'],
    texts: [/Destination folder '.*' does not exist/i],
  },
  { kind: 'access-denied', ids: ['AccessDenied'], texts: [/Access is denied/i] },
  {
    kind: 'kerberos',
    ids: ['ServerNotTrusted'],
    texts: [/TrustedHosts/i, /while using Kerberos authentication/i],
  },
  { kind: 'refused', texts: [/The connection to the remote host was refused/i] },
  { kind: 'timeout', texts: [/within the time specified in OperationTimeout/i] },
  {
    kind: 'unreachable',
    texts: [
      /The client cannot connect to the destination specified in the request/i,
      /Verify that the specified computer name is valid, that the computer is accessible over the network/i,
    ],
  },
];

/** The kind of failure a record shows. */
export function remotingFailureKind(record: PowerShellErrorRecord): RemotingFailure {
  // A console line break can fall anywhere in the text: compare with the whitespace folded.
  const text = record.message.replace(/\s+/g, ' ');
  const id = record.fullyQualifiedErrorId ?? '';
  const rule = RULES.find(
    (candidate) =>
      (candidate.ids ?? []).some((prefix) => id.startsWith(`${prefix},`)) ||
      candidate.texts.some((pattern) => pattern.test(text)),
  );
  return rule?.kind ?? 'unknown';
}

/** The RemotingError for a failed record: problem and fix in words; the raw text redacted. */
export function remotingError(
  record: PowerShellErrorRecord,
  computerName: string,
  redactor: Redactor = new Redactor(),
): RemotingError {
  const kind = remotingFailureKind(record);
  const raw = redactor.redact(
    `${record.message.replace(/\s+/g, ' ').trim()}${record.fullyQualifiedErrorId ? ` (${record.fullyQualifiedErrorId})` : ''}`,
  );
  return remotingErrorOfKind(kind, computerName, raw);
}

export function remotingErrorOfKind(
  kind: RemotingFailure,
  computerName: string,
  raw?: string,
): RemotingError {
  const name = computerName;
  switch (kind) {
    case 'access-denied':
      return new RemotingError(
        kind,
        name,
        `${name} refused the PowerShell session: access is denied.`,
        `Run Breakglass elevated (Run as administrator) as a domain account that is in ${name}'s local Administrators group, ${BUNDLE}.`,
        raw,
      );
    case 'refused':
      return new RemotingError(
        kind,
        name,
        `${name} refused the connection: WinRM is not listening there.`,
        `On ${name}, start the Windows Remote Management (WinRM) service and run Enable-PSRemoting, ${BUNDLE}.`,
        raw,
      );
    case 'kerberos':
      return new RemotingError(
        kind,
        name,
        `Windows could not authenticate to ${name} with Kerberos (an IP address, a name outside the domain, or a logon without Kerberos credentials).`,
        `Give the server's computer name in the domain (as OSSYS_SERVER or DNS has it, not an IP address) and run Breakglass from a domain account's interactive logon. Breakglass does not add TrustedHosts entries or send passwords; ${BUNDLE}.`,
        raw,
      );
    case 'unreachable':
      return new RemotingError(
        kind,
        name,
        `${name} does not answer PowerShell remoting.`,
        `Check the name, that the server is running and that its firewall lets WinRM (TCP 5985) in from this controller, ${BUNDLE}.`,
        raw,
      );
    case 'timeout':
      return new RemotingError(
        kind,
        name,
        `${name} did not finish in time over PowerShell remoting.`,
        `Check the server's load and the network, then try again, ${BUNDLE}.`,
        raw,
      );
    case 'remote-folder-missing':
      return new RemotingError(
        kind,
        name,
        `A folder the copy needs does not exist on ${name}.`,
        `Check the install folder on ${name} (the path is the server's own, e.g. C:\\Program Files\\OutSystems\\Platform Server).`,
        raw,
      );
    case 'second-hop':
      return new RemotingError(
        kind,
        name,
        `${name} cannot log in to the database with Windows authentication from a remote session: Windows does not pass your credentials on from ${name} to SQL Server (the "second hop").`,
        `Use the farm bundle on that server: run Breakglass there, where the login runs as the server's own account.`,
        raw,
      );
    case 'unknown':
      return new RemotingError(
        kind,
        name,
        `PowerShell remoting to ${name} failed in a way Breakglass does not recognise.`,
        `Read PowerShell's text below; if remoting cannot be used, ${BUNDLE.replace(/^or /, '')}.`,
        raw ?? '(no text)',
      );
  }
}

/**
 * An error block as the console prints it when something fails outside the scripts' own handling
 * (e.g. `New-PSSession : [fe01] Connecting to remote server fe01 failed ... + FullyQualifiedErrorId :
 * AccessDenied,PSSessionOpenFailed`): the message is the text before "At line:" or the first "+"
 * line, the ID from its line.
 */
export function parseConsoleErrorRecord(text: string): PowerShellErrorRecord | undefined {
  const id = /^\s*\+\s*FullyQualifiedErrorId\s*:\s*(\S+)/m.exec(text)?.[1];
  if (id === undefined) return undefined;
  const head = text.split(/^\s*(?:At line:|At [^\n]*:\d+ char:|\+ )/m)[0] ?? '';
  const message = head.replace(/^[\w-]+ : /, '').trim();
  return { fullyQualifiedErrorId: id, message };
}
