import { SchemaField } from '../form/SchemaField.js';
import { applyChange, asRecord } from '../form/field-props.js';
import type { JsonSchema } from '../form/json-schema.js';
import { useWizard } from '../state/wizard-store.js';
import { EnvironmentChoice } from './EnvironmentChoice.js';

/** The procedure's inputs, as a form generated from its JSON Schema. */
export function InputsScreen() {
  const procedure = useWizard((state) => state.procedure);
  const inputs = useWizard((state) => state.inputs);
  const setInputs = useWizard((state) => state.setInputs);
  const createPlan = useWizard((state) => state.createPlan);
  const busy = useWizard((state) => state.busy);
  if (!procedure) return null;
  const schema = procedure.inputSchema as JsonSchema;
  return (
    <section data-testid="screen-inputs">
      <h1>{procedure.title}</h1>
      <p className="lead">{procedure.summary}</p>
      <form
        autoComplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          void createPlan();
        }}
      >
        <EnvironmentChoice />
        <SchemaField
          name=""
          path=""
          schema={schema}
          root={schema}
          value={inputs}
          required
          onChange={(change) => setInputs((previous) => asRecord(applyChange(change, previous)))}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="review-plan">
            Review the plan
          </button>
          <span className="hint">Nothing changes until you start the run.</span>
        </div>
      </form>
    </section>
  );
}
