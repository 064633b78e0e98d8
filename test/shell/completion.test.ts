// Tab completion without a server: command names for the first word, child names of the
// typed parent for a word starting with '/', nothing otherwise or when the lookup fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete, type ChildrenLookup } from '../../src/cli/shell/completion.ts';
import { commandNames } from '../../src/cli/shell/commands/index.ts';

const tree: Record<string, string[]> = {
  '/': ['app', 'apple', 'zookeeper'],
  '/app': ['counter', 'config', 'lock'],
};
const asked: string[] = [];
const children: ChildrenLookup = (path) => {
  asked.push(path);
  const names = tree[path];
  return names === undefined ? Promise.reject(new Error('no node')) : Promise.resolve(names);
};

void describe('shell: completion', () => {
  void it('completes a unique command name with a space after it', async () => {
    assert.deepEqual(await complete('getAl', commandNames, children), [
      ['getAllChildrenNumber '],
      'getAl',
    ]);
    assert.deepEqual(await complete('  dele', commandNames, children), [
      ['delete', 'deleteall'],
      'dele',
    ]);
  });
  void it('lists every command for an empty line', async () => {
    const [hits] = await complete('', commandNames, children);
    assert.deepEqual(hits, [...commandNames]);
    assert.ok(hits.includes('ls') && hits.includes('addWatch'));
  });
  void it('completes znode names from the parent path', async () => {
    assert.deepEqual(await complete('ls /ap', commandNames, children), [['app', 'apple'], 'ap']);
    assert.deepEqual(await complete('get -s /app/co', commandNames, children), [
      ['config', 'counter'],
      'co',
    ]);
    assert.deepEqual(await complete('ls /app/', commandNames, children), [
      ['config', 'counter', 'lock'],
      '',
    ]);
    assert.deepEqual(await complete('ls /', commandNames, children), [
      ['app', 'apple', 'zookeeper'],
      '',
    ]);
    assert.deepEqual(asked.slice(-4), ['/', '/app', '/app', '/']);
  });
  void it('offers nothing when the parent is missing or the word is not a path', async () => {
    assert.deepEqual(await complete('ls /nope/x', commandNames, children), [[], 'x']);
    assert.deepEqual(await complete('create -s', commandNames, children), [[], '-s']);
    assert.deepEqual(await complete('ls ', commandNames, children), [[], '']);
  });
});
