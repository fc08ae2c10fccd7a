import type { Decision, Prompt } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';

const LABELS: Record<Decision, string> = {
  confirm: 'Go ahead',
  cancel: 'Cancel the run',
  retry: 'Retry the step',
  rollback: 'Roll back',
  continue: 'I fixed it by hand — continue',
};

/** "Confirm" means something different at each kind of question. */
const CONFIRM_LABELS: Record<Prompt['kind'], string> = {
  'confirm-changes': 'Go ahead',
  'confirm-outage': 'Take it out of service and go ahead',
  manual: 'Done — check it',
  failure: 'Go ahead',
  'confirm-cancel': 'Stop the run here',
  'confirm-rollback': 'Roll back now',
};

/** The question the run is waiting on, with one button per decision it allows. */
export function PromptPanel({ prompt }: { prompt: Prompt }) {
  const busy = useSession((state) => state.busy);
  return (
    <section
      className={`prompt ${prompt.kind}`}
      role="alertdialog"
      aria-labelledby="prompt-title"
      data-testid="prompt-panel"
      data-kind={prompt.kind}
    >
      <h3 id="prompt-title">{prompt.title}</h3>
      <p>{prompt.message}</p>
      {prompt.instructions.length > 0 ? (
        <ol className="instructions">
          {prompt.instructions.map((instruction, index) => (
            <li key={index}>{instruction}</li>
          ))}
        </ol>
      ) : null}
      <div className="actions">
        {prompt.options.map((decision) => (
          <button
            key={decision}
            type="button"
            className={
              decision === 'confirm' || decision === 'continue' || decision === 'retry'
                ? 'primary'
                : 'secondary'
            }
            disabled={busy}
            data-testid={`prompt-${decision}`}
            onClick={() => void client.respond(decision)}
          >
            {prompt.labels?.[decision] ??
              (decision === 'confirm' ? CONFIRM_LABELS[prompt.kind] : LABELS[decision])}
          </button>
        ))}
      </div>
    </section>
  );
}
