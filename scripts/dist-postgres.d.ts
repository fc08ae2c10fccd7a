export const PACKAGE_BY_TARGET: Record<string, string>;
export function stagingDir(root: string, platform: string, arch: string): string;
export function stagePostgres(options: {
  root: string;
  platform: string;
  arch: string;
  fetchPackage?: (name: string, version: string, into: string) => Promise<string> | string;
}): Promise<string>;
export default function beforePack(context: { electronPlatformName: string; arch: number }): Promise<void>;
