import type { ReportFormat } from '../../../shared/procedure.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { ReportData } from './report-data.js';

export interface RenderedReport {
  filename: string;
  mimeType: string;
  content: string;
}

const RENDERERS: Record<
  ReportFormat,
  { extension: string; mimeType: string; render(report: ReportData): string }
> = {
  md: { extension: 'md', mimeType: 'text/markdown; charset=utf-8', render: renderMarkdown },
  html: { extension: 'html', mimeType: 'text/html; charset=utf-8', render: renderHtml },
  json: { extension: 'json', mimeType: 'application/json', render: renderJson },
};

export function renderReport(report: ReportData, format: ReportFormat): RenderedReport {
  const renderer = RENDERERS[format];
  return {
    filename: `breakglass-${report.runId}.${renderer.extension}`,
    mimeType: renderer.mimeType,
    content: renderer.render(report),
  };
}
