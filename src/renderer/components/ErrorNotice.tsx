import { useWizard } from '../state/wizard-store.js';

/** The last failed call's message: it names the field and the fix. */
export function ErrorNotice() {
  const error = useWizard((state) => state.error);
  const dismiss = useWizard((state) => state.dismissError);
  if (!error) return null;
  return (
    <div className="notice error" role="alert" data-testid="error-notice">
      <p>{error}</p>
      <button type="button" className="link" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
