// Znode path rules as Apache's PathUtils.validatePath applies them (3.8/3.9: the invalid
// character ranges are inclusive at both ends), plus the parent/child helpers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseName, childPath, invalidPathReason, parentPath } from '../../../src/core/path.ts';

void describe('invalidPathReason accepts what Apache accepts', () => {
  const valid = [
    '/',
    '/a',
    '/a/b/c',
    '/zookeeper',
    '/zookeeper/quota',
    '/a/...',
    '/...',
    '/a/.b',
    '/a/b.',
    '/a/..b',
    '/a/b..',
    '/.a',
    '/a.b/c',
    '/with space',
    '/\u007e',
    '/\u00a0',
    '/é/ü',
    '/\uf900',
    '/\uffef',
    '/日本',
  ];
  for (const path of valid) {
    void it(`valid: ${JSON.stringify(path)}`, () => {
      assert.equal(invalidPathReason(path), undefined);
    });
  }
});

void describe('invalidPathReason rejects what Apache rejects, with its reason', () => {
  const invalid: [string, RegExp][] = [
    ['', /^Path length must be > 0$/],
    ['a', /^Path must start with \/ character$/],
    ['a/b', /^Path must start with \/ character$/],
    ['/a/', /^Path must not end with \/ character$/],
    ['//', /^Path must not end with \/ character$/],
    ['/a//b', /^empty node name specified @3$/],
    ['//a', /^empty node name specified @1$/],
    ['/.', /^relative paths not allowed @1$/],
    ['/..', /^relative paths not allowed @2$/],
    ['/a/.', /^relative paths not allowed @3$/],
    ['/a/..', /^relative paths not allowed @4$/],
    ['/a/./b', /^relative paths not allowed @3$/],
    ['/a/../b', /^relative paths not allowed @4$/],
    ['/./a', /^relative paths not allowed @1$/],
    ['/\u0000', /^null character not allowed @1$/],
    ['/a\u0000b', /^null character not allowed @2$/],
    ['/\u0001', /^invalid character @1$/],
    ['/\u001f', /^invalid character @1$/],
    ['/a\tb', /^invalid character @2$/],
    ['/\u007f', /^invalid character @1$/],
    ['/\u009f', /^invalid character @1$/],
    ['/\ud800', /^invalid character @1$/],
    ['/a\ud83d\ude00', /^invalid character @2$/],
    ['/\uf8ff', /^invalid character @1$/],
    ['/\ufff0', /^invalid character @1$/],
    ['/\uffff', /^invalid character @1$/],
  ];
  for (const [path, reason] of invalid) {
    void it(`invalid: ${JSON.stringify(path)}`, () => {
      const got = invalidPathReason(path);
      assert.ok(got !== undefined, `expected ${JSON.stringify(path)} to be rejected`);
      assert.match(got, reason);
    });
  }

  void it('reports the first problem from the left', () => {
    assert.match(invalidPathReason('/a//\u0000') ?? '', /empty node name specified @3/);
    assert.match(invalidPathReason('/\u0001//') ?? '', /must not end/);
  });
});

void describe('parentPath / baseName / childPath', () => {
  void it('splits at the last slash; top-level parents are the root', () => {
    assert.equal(parentPath('/a'), '/');
    assert.equal(parentPath('/a/b'), '/a');
    assert.equal(parentPath('/a/b/c'), '/a/b');
    assert.equal(parentPath('/'), '/');
    assert.equal(baseName('/a/b'), 'b');
    assert.equal(baseName('/a'), 'a');
    assert.equal(baseName('/'), '');
  });

  void it('joins without doubling the root slash', () => {
    assert.equal(childPath('/', 'a'), '/a');
    assert.equal(childPath('/a', 'b'), '/a/b');
    for (const path of ['/a', '/a/b', '/x/y/z']) {
      assert.equal(childPath(parentPath(path), baseName(path)), path);
    }
  });
});
