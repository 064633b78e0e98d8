// The history file: lines appended as commands run (never `addauth`, which carries a
// password), read back most recent first, at most historyLinesMax, and a missing or
// unwritable file is no error.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendHistory, historyLinesMax, loadHistory } from '../../src/cli/shell/history-file.ts';

void describe('shell: history file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meerkat-shell-history-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  void it('appends commands, but not addauth or blank lines, privately', async () => {
    const file = join(dir, 'a');
    for (const line of ['ls /', '  ', 'addauth digest u:secret', 'get /a']) {
      appendHistory(file, line);
    }
    assert.equal(await readFile(file, 'utf8'), 'ls /\nget /a\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(loadHistory(file), ['get /a', 'ls /']);
  });

  void it('keeps the newest lines only', async () => {
    const file = join(dir, 'b');
    const lines = Array.from({ length: historyLinesMax + 5 }, (_, i) => `get /n${i}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const loaded = loadHistory(file);
    assert.equal(loaded.length, historyLinesMax);
    assert.equal(loaded[0], `get /n${historyLinesMax + 4}`);
  });

  void it('ignores a missing or unwritable file', () => {
    assert.deepEqual(loadHistory(join(dir, 'missing')), []);
    appendHistory(join(dir, 'no-such-dir', 'x'), 'ls /');
  });
});
