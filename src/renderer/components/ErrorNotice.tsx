import { client } from '../state/client.js';
import { useSession } from '../state/session-store.js';

/** The last failed call's message (it names the field and the fix), and notes about where the admin landed. */
export function ErrorNotice() {
  const error = useSession((state) => state.error);
  const notice = useSession((state) => state.notice);
  return (
    <>
      {notice ? (
        <p className="notice info" role="status" data-testid="restore-notice">
          {notice}
        </p>
      ) : null}
      {error ? (
        <div className="notice error" role="alert" data-testid="error-notice">
          <p>{error}</p>
          <button type="button" className="link" onClick={client.dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}
    </>
  );
}
