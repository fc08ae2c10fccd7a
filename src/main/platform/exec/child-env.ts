/**
 * The environment every child process gets. A secret given as `{"env": "NAME"}` sits in this
 * process's environment, and a child inherits it by default: initdb, the PostgreSQL server (which
 * runs as another user), sc.exe, the Configuration Tool. So the names of those variables are
 * recorded here when they are read, and no child environment built by the platform carries them;
 * nor any inherited variable whose value is one of the request's secrets.
 */
const hiddenNames = new Set<string>();

// Windows environment names are case-insensitive.
const key = (name: string): string => (process.platform === 'win32' ? name.toUpperCase() : name);

/** Marks an environment variable as holding a secret: no child gets it from now on. */
export function hideFromChildren(name: string): void {
  hiddenNames.add(key(name));
}

export function isHiddenFromChildren(name: string): boolean {
  return hiddenNames.has(key(name));
}

/**
 * This process's environment (or `base`) without the hidden variables and without any variable
 * whose value is one of `secrets`, then `extra` over it (what the caller gives this one child).
 */
export function childEnvironment(
  options: {
    extra?: Readonly<Record<string, string>>;
    secrets?: readonly string[];
    base?: NodeJS.ProcessEnv;
  } = {},
): NodeJS.ProcessEnv {
  const secrets = new Set((options.secrets ?? []).filter((secret) => secret !== ''));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(options.base ?? process.env)) {
    if (value === undefined || isHiddenFromChildren(name) || secrets.has(value)) continue;
    env[name] = value;
  }
  return { ...env, ...options.extra };
}
