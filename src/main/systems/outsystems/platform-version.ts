/** Platform Server versions as the registry holds them, e.g. "11.18.1.37828". */
export function parsePlatformVersion(text: string): number[] | undefined {
  const match = /^\s*(\d+(?:\.\d+)*)\s*$/.exec(text);
  return match?.[1]?.split('.').map(Number);
}

/** True when `version` is at least `minimum` ("11.16"); undefined when the version is unknown or unreadable. */
export function isAtLeast(version: string | undefined, minimum: string): boolean | undefined {
  const have = version === undefined ? undefined : parsePlatformVersion(version);
  const want = parsePlatformVersion(minimum);
  if (!have || !want) return undefined;
  for (let index = 0; index < Math.max(have.length, want.length); index += 1) {
    const difference = (have[index] ?? 0) - (want[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}
