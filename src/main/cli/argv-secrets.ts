/** Option names that carry a secret; a secret on argv is visible to every user in the process list. */
const SECRET_OPTION =
  /^--?(?:new-?|old-?|admin-?|db-?)?(?:password|passwd|pwd|pass|secret|token|api-?key|private-?key|credentials?)(?:=|$)/i;

/** Thrown when argv holds a secret-looking value; names it and says where secrets go instead. */
export class SecretOnCommandLine extends Error {
  constructor(readonly arg: string) {
    super(
      `Refusing "${arg}": secrets never go on the command line, where other users can read them (process list, shell history). ` +
        'Put a reference in the input file instead — {"env": "NAME"}, {"file": "path"} or {"stdin": true} — or leave the field out to be asked without echo.',
    );
    this.name = 'SecretOnCommandLine';
  }
}

/** Throws on `--password`, `--token=...` and the like, and on `<secret field>=value` for any secret input field. */
export function refuseSecretsOnArgv(argv: readonly string[], secretFieldNames: ReadonlySet<string>): void {
  for (const arg of argv) {
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    const shown = arg.includes('=') ? `${name}=…` : arg;
    if (SECRET_OPTION.test(arg)) throw new SecretOnCommandLine(shown);
    const bare = name.replace(/^-+/, '');
    if (arg.includes('=') && secretFieldNames.has(bare)) throw new SecretOnCommandLine(shown);
  }
}
