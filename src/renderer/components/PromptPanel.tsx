import type { Decision, Prompt, RunView } from '../../shared/procedure.js';
import { client } from '../state/client.js';
import { useFocusOn } from '../state/use-focus.js';
import { useSession } from '../state/session-store.js';
import { sentence } from '../words/run-words.js';

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
  'confirm-outage': 'Start the outage and go ahead',
  manual: 'Done — check it',
  failure: 'Go ahead',
  'confirm-cancel': 'Stop the run here',
  'confirm-rollback': 'Roll back now',
  'store-secrets': 'I have stored them safely',
};

/** Cancel and roll back ask again, listing what stays in place and what the rollback undoes (lines the engine prefixes). */
const LEFT_IN_PLACE = 'Left in place: ';
const ROLLBACK_LINE = 'Rollback: ';

/** The question the run is waiting on (it takes the focus), with what it means and one button per decision it allows. */
export function PromptPanel({ prompt, run }: { prompt: Prompt; run: RunView }) {
  const busy = useSession((state) => state.busy);
  const heading = useFocusOn<HTMLHeadingElement>(prompt.id);
  return (
    <section
      className={`prompt ${prompt.kind}`}
      role="alertdialog"
      aria-labelledby="prompt-title"
      aria-describedby="prompt-message"
      data-testid="prompt-panel"
      data-kind={prompt.kind}
    >
      <h2 id="prompt-title" ref={heading} tabIndex={-1}>
        {prompt.title}
      </h2>
      <p id="prompt-message">{sentence(prompt.message, run.steps)}</p>
      <PromptDetails prompt={prompt} />
      {prompt.reveal?.length ? <ShownOnce secrets={prompt.reveal} /> : null}
      {prompt.kind === 'manual' && run.environment === 'sandbox' ? (
        <p className="notice info" data-testid="prompt-sandbox-note">
          This is the practice sandbox: the consoles and programs named here are not on this machine. Read
          what you would do on the real server, then confirm; Breakglass carries on with its simulation.
        </p>
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

function PromptDetails({ prompt }: { prompt: Prompt }) {
  const lines = prompt.instructions;
  if (prompt.kind === 'confirm-cancel') {
    const left = lines.filter((line) => line.startsWith(LEFT_IN_PLACE));
    const undos = lines.filter((line) => line.startsWith(ROLLBACK_LINE));
    return (
      <>
        {left.length > 0 ? (
          <List title="Stays as it is if you stop" testId="prompt-left" className="warning-list">
            {left.map((line) => line.slice(LEFT_IN_PLACE.length))}
          </List>
        ) : null}
        {undos.length > 0 ? (
          <List title="Roll back instead undoes, newest first" testId="prompt-undos" ordered>
            {undos.map((line) => line.slice(ROLLBACK_LINE.length))}
          </List>
        ) : null}
      </>
    );
  }
  if (lines.length === 0) return null;
  if (prompt.kind === 'confirm-rollback')
    return (
      <List title="Undone, newest first" testId="prompt-undos" ordered>
        {lines}
      </List>
    );
  if (prompt.kind === 'confirm-outage')
    return (
      <List title="Steps while it is down" testId="prompt-outage-steps" ordered>
        {lines}
      </List>
    );
  return (
    <ol className="instructions">
      {lines.map((instruction, index) => (
        <li key={index}>{instruction}</li>
      ))}
    </ol>
  );
}

function List({
  title,
  testId,
  ordered,
  className,
  children,
}: {
  title: string;
  testId: string;
  ordered?: boolean;
  className?: string;
  children: string[];
}) {
  const items = children.map((line, index) => <li key={index}>{line}</li>);
  return (
    <div className={className} data-testid={testId}>
      <h3>{title}</h3>
      {ordered ? <ol>{items}</ol> : <ul>{items}</ul>}
    </div>
  );
}

/** The secrets a run shows once (store-secrets): each label with its value, selectable to copy. */
function ShownOnce({ secrets }: { secrets: NonNullable<Prompt['reveal']> }) {
  return (
    <dl className="shown-once" data-testid="prompt-reveal">
      {secrets.map((secret) => (
        <div key={secret.label}>
          <dt>{secret.label}</dt>
          <dd>
            <code>{secret.value}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
