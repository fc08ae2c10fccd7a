import { describe, expect, it } from 'vitest';
import { closeBeforeQuit } from '../../src/main/app/quit.js';

function quitEvent() {
  const event = { prevented: 0, preventDefault: () => void (event.prevented += 1) };
  return event;
}

describe('quitting the Electron app while the API is open', () => {
  it('holds the quit, closes the API, and only then exits with 0', async () => {
    const order: string[] = [];
    let finishClose!: () => void;
    const onQuit = closeBeforeQuit(
      () =>
        new Promise<void>((resolve) => {
          order.push('close started');
          finishClose = () => {
            order.push('close finished');
            resolve();
          };
        }),
      (code) => order.push(`exit ${code}`),
    );
    const event = quitEvent();
    onQuit(event);
    expect(event.prevented).toBe(1);
    await Promise.resolve();
    expect(order).toEqual(['close started']);
    finishClose();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order).toEqual(['close started', 'close finished', 'exit 0']);
  });

  it('holds a second quit while closing without closing twice', async () => {
    let closes = 0;
    const exits: number[] = [];
    let finishClose!: () => void;
    const onQuit = closeBeforeQuit(
      () => {
        closes += 1;
        return new Promise<void>((resolve) => (finishClose = resolve));
      },
      (code) => exits.push(code),
    );
    const first = quitEvent();
    const second = quitEvent();
    onQuit(first);
    onQuit(second);
    expect([first.prevented, second.prevented, closes]).toEqual([1, 1, 1]);
    finishClose();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(exits).toEqual([0]);
  });

  it('still exits (with 1) when closing fails, and reports the error', async () => {
    const errors: unknown[] = [];
    const exits: number[] = [];
    const onQuit = closeBeforeQuit(
      () => Promise.reject(new Error('sandbox stuck')),
      (code) => exits.push(code),
      (error) => errors.push(error),
    );
    onQuit(quitEvent());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(exits).toEqual([1]);
    expect(errors).toHaveLength(1);
  });
});
