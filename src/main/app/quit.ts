/**
 * Quitting while a run is going: Electron's `will-quit` does not wait for promises, so the handler
 * holds the quit (preventDefault), closes the API (the engine finishes writing its journal and
 * stops the sandbox), then exits. `app.exit` does not emit `will-quit` again; a second quit while
 * closing is held too and does not close twice. Imports no Electron, so it is tested without it.
 */
export function closeBeforeQuit(
  close: () => Promise<void>,
  exit: (code: number) => void,
  onError: (error: unknown) => void = () => undefined,
): (event: { preventDefault(): void }) => void {
  let closing: Promise<void> | undefined;
  return (event) => {
    event.preventDefault();
    closing ??= close().then(
      () => exit(0),
      (error: unknown) => {
        onError(error);
        exit(1);
      },
    );
  };
}
