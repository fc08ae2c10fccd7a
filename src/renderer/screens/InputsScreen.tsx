import { SchemaField } from '../form/SchemaField.js';
import { applyChange, asRecord } from '../form/field-props.js';
import type { JsonSchema } from '../form/json-schema.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { client } from '../state/client.js';
import { useForm } from '../state/form-store.js';
import { useFormProcedure } from '../state/hooks.js';
import { useSession } from '../state/session-store.js';
import { EnvironmentChoice } from './EnvironmentChoice.js';

/** The procedure's inputs, as a form generated from its JSON Schema. */
export function InputsScreen() {
  const procedure = useFormProcedure();
  const inputs = useForm((state) => state.inputs);
  const busy = useSession((state) => state.busy);
  if (!procedure) return null;
  const schema = procedure.inputSchema as JsonSchema;
  return (
    <section data-testid="screen-inputs">
      <ScreenHeading>{procedure.title}</ScreenHeading>
      <p className="lead">{procedure.summary}</p>
      <form
        noValidate
        autoComplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          void client.createPlan();
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
          onChange={(change) => client.setInputs((previous) => asRecord(applyChange(change, previous)))}
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
