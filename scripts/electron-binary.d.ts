export function electronBinary(root: string): string | undefined;
export function electronUnavailableReason(
  root: string,
  env?: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
): string | undefined;
