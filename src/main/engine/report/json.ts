import type { ReportData } from './report-data.js';

/** The run report as JSON: the ReportData document, versioned. */
export function renderJson(report: ReportData): string {
  return `${JSON.stringify({ format: 'breakglass-run-report', version: 1, ...report }, null, 2)}\n`;
}
