/** A duration as people read it in a run view, the CLI and reports: "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The outage window's time down against its expected minutes, e.g. "3 min 05 s (expected about 5 min)". */
export function formatTimeDown(downMs: number | undefined, expectedMinutes: number): string {
  return `${formatDuration(downMs ?? 0)} (expected about ${expectedMinutes} min)`;
}
