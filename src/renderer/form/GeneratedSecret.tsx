import { useState } from 'react';
import { client } from '../state/client.js';
import { copyText } from './copy-text.js';

/**
 * A generated password, said once and on purpose: copy it (or reveal it beside the field), then
 * tick that it is stored. Nothing after the plan shows it again, and no report contains it.
 */
export function GeneratedSecret({
  id,
  path,
  value,
  acknowledged,
}: {
  id: string;
  path: string;
  value: string;
  acknowledged: boolean;
}) {
  const [copied, setCopied] = useState<'yes' | 'no'>();
  return (
    <div className="generated-secret" data-testid={`generated-${path}`}>
      <p>
        <strong>A new password was generated.</strong> Store it in your password manager now: it is never
        shown after the run starts, and no report contains it.
      </p>
      <div className="actions compact">
        <button
          type="button"
          className="secondary"
          data-testid={`copy-${path}`}
          onClick={async () => setCopied((await copyText(value)) ? 'yes' : 'no')}
        >
          Copy
        </button>
        <span role="status" className="hint">
          {copied === 'yes'
            ? 'Copied to the clipboard.'
            : copied === 'no'
              ? 'Copy failed: use Reveal and type it.'
              : ''}
        </span>
      </div>
      <label className="checkbox" htmlFor={`${id}-stored`}>
        <input
          id={`${id}-stored`}
          type="checkbox"
          checked={acknowledged}
          data-testid={`stored-${path}`}
          onChange={(event) => client.acknowledgeGenerated(path, event.target.checked)}
        />
        I stored it somewhere safe
      </label>
    </div>
  );
}
