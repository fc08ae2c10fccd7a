import type { HostProgress, RunView } from '../../shared/procedure.js';
import { sentence } from '../words/run-words.js';

const STATE_WORDS: Record<HostProgress['state'], string> = {
  waiting: 'Waiting',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  undone: 'Undone',
};

/** A host's status in words: what it is doing while it runs, its last step's activity once done, where it stopped. */
export function hostStatusWords(host: HostProgress): string {
  switch (host.state) {
    case 'running':
      return host.activity ?? STATE_WORDS.running;
    case 'done':
      return host.activity ?? STATE_WORDS.done;
    case 'failed':
      return host.activity ? `Failed while ${host.activity}` : STATE_WORDS.failed;
    case 'waiting':
      return host.stepsDone > 0 && host.activity ? `Waiting (stopped after ${host.activity})` : 'Waiting';
    case 'undone':
      return STATE_WORDS.undone;
  }
}

/**
 * One row per host of a plan that spans machines: its status in words (never by colour alone),
 * steps done of total, for a failed one what went wrong and what to do, and its own steps and logs.
 */
export function HostsTable({ run, showSteps = true }: { run: RunView; showSteps?: boolean }) {
  const hosts = run.hosts ?? [];
  if (hosts.length === 0) return null;
  const running = hosts.filter((host) => host.state === 'running').length;
  const done = hosts.filter((host) => host.state === 'done').length;
  const failed = hosts.filter((host) => host.state === 'failed').length;
  return (
    <section className="hosts" aria-labelledby="hosts-title">
      <h2 id="hosts-title">Servers</h2>
      <p className="hosts-summary" data-testid="hosts-summary">
        {hosts.length} {hosts.length === 1 ? 'server' : 'servers'}: {done} done
        {running > 0 ? `, ${running} running` : ''}
        {failed > 0 ? `, ${failed} failed` : ''}.
      </p>
      <div className="table-scroll">
        <table className="hosts-table" data-testid="hosts-table">
          <caption className="visually-hidden">Each server’s status</caption>
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Status</th>
              <th scope="col">Steps done</th>
              {showSteps ? <th scope="col">Its steps</th> : null}
            </tr>
          </thead>
          <tbody>
            {hosts.map((host) => (
              <HostRow key={host.host} host={host} run={run} showSteps={showSteps} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function HostRow({ host, run, showSteps }: { host: HostProgress; run: RunView; showSteps: boolean }) {
  const steps = run.steps.filter((step) => step.host === host.host);
  return (
    <tr className={`host-row ${host.state}`} data-testid={`host-row-${host.host}`} data-state={host.state}>
      <th scope="row">{host.host}</th>
      <td>
        <span className="host-status">
          <span className={`state-dot ${host.state}`} aria-hidden="true" />
          <span data-testid={`host-state-${host.host}`}>{hostStatusWords(host)}</span>
        </span>
        {host.state === 'failed' && host.message ? (
          <p className="host-fix" data-testid={`host-fix-${host.host}`}>
            <strong>What to do: </strong>
            {sentence(host.message, run.steps)}
          </p>
        ) : null}
      </td>
      <td>
        {host.stepsDone} of {host.stepsTotal}
      </td>
      {showSteps ? (
        <td>
          <details data-testid={`host-steps-${host.host}`}>
            <summary>
              Steps and logs<span className="visually-hidden"> of {host.host}</span>
            </summary>
            <ol className="host-steps">
              {steps.map((step) => (
                <li key={step.id} className={`host-step ${step.state}`}>
                  <span className="host-step-title">{step.title}</span>{' '}
                  <span className="muted">({STEP_WORDS[step.state]})</span>
                  {step.message ? (
                    <p className="run-step-message">{sentence(step.message, run.steps)}</p>
                  ) : null}
                  {step.logs.length > 0 ? <pre className="log">{step.logs.join('\n')}</pre> : null}
                </li>
              ))}
            </ol>
          </details>
        </td>
      ) : null}
    </tr>
  );
}

const STEP_WORDS = {
  pending: 'not run yet',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
  undone: 'undone',
} as const;
