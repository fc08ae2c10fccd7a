/** A unified diff with added, removed and context lines coloured. */
export function DiffBlock({ path, unified }: { path: string; unified: string }) {
  const lines = unified.replace(/\n$/, '').split('\n');
  return (
    <figure className="diff" data-testid="step-diff">
      <figcaption>{path}</figcaption>
      <pre>
        {lines.map((line, index) => (
          <span key={index} className={diffLineClass(line)}>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}

function diffLineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff-file';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return 'diff-context';
}
