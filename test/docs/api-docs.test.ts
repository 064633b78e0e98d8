// The client's API reference is generated from the types (`npm run docs`, TypeDoc). This
// builds it into a temp dir with warnings as errors (a public type that is referenced but not
// exported, or a broken {@link}, fails it) and checks the pages users land on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../support/server-process.ts';

const out = await mkdtemp(path.join(os.tmpdir(), 'meerkat-api-docs-'));
after(() => rm(out, { recursive: true, force: true }));

function typedoc(args: readonly string[]): Promise<{ code: number; output: string }> {
  const bin = path.join(repoRoot(), 'node_modules', 'typedoc', 'bin', 'typedoc');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`typedoc did not finish in 120 s\n${output}`));
    }, 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

void describe('API docs (TypeDoc)', () => {
  void it('build without warnings and document the client', async () => {
    const { code, output } = await typedoc(['--out', out]);
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /warning/i, output);
    const client = await readFile(path.join(out, 'classes', 'ZooKeeperClient.html'), 'utf8');
    for (const method of ['getData', 'setData', 'create', 'transaction', 'watch', 'addWatch']) {
      assert.match(client, new RegExp(`id="${method.toLowerCase()}"`), `documents ${method}`);
    }
    const index = await readFile(path.join(out, 'index.html'), 'utf8');
    assert.match(index, /createClient/);
    assert.match(index, /NoNodeError/);
  });
});
