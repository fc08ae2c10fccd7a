import type { StepDescription } from '../../shared/procedure.js';
import { DiffBlock } from './DiffBlock.js';

/** Everything a step will do, as the plan describes it: SQL, diff, command, services, instructions. */
export function StepDetails({ description }: { description: StepDescription }) {
  const { details, sql, diff, command, services, instructions, warnings } = description;
  return (
    <div className="step-details">
      <p className="step-summary">{description.summary}</p>
      {details.length > 0 ? (
        <ul className="step-detail-list">
          {details.map((detail, index) => (
            <li key={index}>{detail}</li>
          ))}
        </ul>
      ) : null}
      {warnings.map((warning, index) => (
        <p key={index} className="notice warn">
          {warning}
        </p>
      ))}
      {sql.map((statement, index) => (
        <figure key={index} className="code" data-testid="step-sql">
          <figcaption>SQL · {statement.dialect}</figcaption>
          <pre>{statement.text}</pre>
        </figure>
      ))}
      {diff ? <DiffBlock path={diff.path} unified={diff.unified} /> : null}
      {command ? (
        <figure className="code" data-testid="step-command">
          <figcaption>Command{command.cwd ? ` · in ${command.cwd}` : ''}</figcaption>
          <pre>{[command.program, ...command.args.map(quoteArg)].join(' ')}</pre>
        </figure>
      ) : null}
      {services && (services.stop.length > 0 || services.start.length > 0) ? (
        <p className="services" data-testid="step-services">
          {services.stop.length > 0 ? <span>Stops: {services.stop.join(', ')}. </span> : null}
          {services.start.length > 0 ? <span>Starts: {services.start.join(', ')}.</span> : null}
        </p>
      ) : null}
      {instructions.length > 0 ? (
        <ol className="instructions" data-testid="step-instructions">
          {instructions.map((instruction, index) => (
            <li key={index}>{instruction}</li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_\-./:=\\]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '\\"')}"`;
}
