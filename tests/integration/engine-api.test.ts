import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/main/api/api-error.js';
import { createApi } from '../../src/main/api/create-api.js';
import type { RunEvent, RunView } from '../../src/shared/procedure.js';
import { freshDataDir } from '../support/engine-harness.js';

const SECRET = 'Api-Drill-Password-1';
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function api(label: string) {
  const dataDir = freshDataDir(label);
  const events: RunEvent[] = [];
  const created = await createApi({
    dataDir,
    transport: 'web',
    emit: (_name, payload) => events.push(payload),
  });
  closers.push(created.close);
  const nextPrompt = async (runId: string): Promise<RunView> => {
    for (;;) {
      const view = await created.handlers['run.get']({ runId });
      if (view.prompt || ['succeeded', 'failed', 'rolled-back', 'cancelled', 'awaiting'].includes(view.state))
        return view;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const settled = async (runId: string): Promise<RunView> => {
    for (;;) {
      const view = await created.handlers['run.get']({ runId });
      if (!view.prompt && !['preflight', 'running'].includes(view.state)) return view;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { ...created, dataDir, events, nextPrompt, settled };
}

describe('the API behind the IPC channels', () => {
  it('answers app.info, procedures.list and password.generate', async () => {
    const { handlers, dataDir } = await api('api-info');
    const info = await handlers['app.info']({});
    expect(info).toMatchObject({ name: 'Breakglass', transport: 'web', dataDir, sandboxSuggested: true });
    expect((await handlers['procedures.list']({})).procedures.map((procedure) => procedure.id)).toContain(
      'practice.drill',
    );
    const generated = await handlers['password.generate']({ policy: 'default', length: 24 });
    expect(generated.password).toHaveLength(24);
  });

  it('plans, starts a background run, and takes each prompt answer through run.respond', async () => {
    const { handlers, events, nextPrompt, settled } = await api('api-run');
    const plan = await handlers['plan.create']({
      procedureId: 'practice.drill',
      inputs: { newPassword: SECRET },
      environment: 'sandbox',
    });
    const started = await handlers['run.start']({ planId: plan.planId });
    const kinds: string[] = [];
    for (let view = await nextPrompt(started.runId); view.prompt; view = await nextPrompt(started.runId)) {
      kinds.push(view.prompt.kind);
      await expect(
        handlers['run.respond']({ runId: started.runId, promptId: view.prompt.id, decision: 'rollback' }),
      ).rejects.toThrow(/not an answer/);
      await handlers['run.respond']({ runId: started.runId, promptId: view.prompt.id, decision: 'confirm' });
    }
    expect(kinds).toEqual(['confirm-changes', 'confirm-outage', 'manual']);
    const done = await settled(started.runId);
    expect(done.state).toBe('succeeded');
    expect(events.filter((event) => event.runId === started.runId).at(-1)?.type).toBe('finished');
    expect(events.some((event) => event.type === 'prompt' && event.run.prompt)).toBe(true);
    expect((await handlers['runs.list']({})).runs[0]).toMatchObject({
      runId: started.runId,
      state: 'succeeded',
    });
    const report = await handlers['report.export']({ runId: started.runId, format: 'md' });
    expect(report).toMatchObject({
      filename: `breakglass-${started.runId}.md`,
      mimeType: expect.stringContaining('markdown'),
    });
    expect(report.content).toContain(done.journalHash);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    await expect(handlers['run.start']({ planId: plan.planId })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('maps errors to codes: not-found, invalid-input, refused, conflict', async () => {
    const { handlers, nextPrompt } = await api('api-errors');
    await expect(handlers['run.get']({ runId: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(
      handlers['plan.create']({ procedureId: 'no.such', inputs: {}, environment: 'sandbox' }),
    ).rejects.toBeInstanceOf(ApiError);
    await expect(
      handlers['plan.create']({ procedureId: 'practice.drill', inputs: {}, environment: 'sandbox' }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'newPassword' });
    await expect(
      handlers['plan.create']({
        procedureId: 'practice.drill',
        inputs: { newPassword: SECRET },
        environment: 'real',
      }),
    ).rejects.toMatchObject({ name: 'ProcedureRefusal' });
    const first = await handlers['plan.create']({
      procedureId: 'practice.drill',
      inputs: { newPassword: SECRET },
      environment: 'sandbox',
    });
    const second = await handlers['plan.create']({
      procedureId: 'practice.drill',
      inputs: { newPassword: SECRET },
      environment: 'sandbox',
    });
    const running = await handlers['run.start']({ planId: first.planId });
    await nextPrompt(running.runId);
    const conflict = await handlers['run.start']({ planId: second.planId }).catch((error: unknown) => error);
    expect(conflict).toMatchObject({ code: 'conflict', message: expect.stringContaining(running.runId) });
  });

  it('leaves a waiting run awaiting when closed, and resumes it with the secret', async () => {
    const first = await api('api-resume');
    const plan = await first.handlers['plan.create']({
      procedureId: 'practice.drill',
      inputs: { newPassword: SECRET },
      environment: 'sandbox',
    });
    const started = await first.handlers['run.start']({ planId: plan.planId });
    await first.nextPrompt(started.runId);
    await first.close();
    const journal = fs.readFileSync(path.join(first.dataDir, 'runs', started.runId, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"state":"awaiting"');
    const second = await createApi({ dataDir: first.dataDir, transport: 'electron', emit: () => undefined });
    closers.push(second.close);
    expect((await second.handlers['run.get']({ runId: started.runId })).state).toBe('awaiting');
    await expect(
      second.handlers['run.resume']({ runId: started.runId, secrets: { newPassword: 'wrong one' } }),
    ).rejects.toMatchObject({ field: 'newPassword' });
    const resumed = await second.handlers['run.resume']({
      runId: started.runId,
      secrets: { newPassword: SECRET },
    });
    expect(resumed.runId).toBe(started.runId);
  });
});
