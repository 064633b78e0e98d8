// The pure parsing of shell input: zkCli's word splitting (quotes, no escapes), the
// commons-cli option rules zkCli commands follow, the ACL syntax, and the operands of
// `meerkat shell` around `--`. Expected values are what zkCli.sh 3.8 was seen to do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAcl } from '../../src/cli/shell/acl-parser.ts';
import { parseJavaInteger } from '../../src/cli/shell/commands/arguments.ts';
import { decodeJavaInteger } from '../../src/cli/shell/commands/session.ts';
import { shellOperands } from '../../src/cli/shell/operands.ts';
import { parseOptions, type OptionSpec } from '../../src/cli/shell/options.ts';
import { splitCommandLine } from '../../src/cli/shell/tokenize.ts';

void describe('shell: splitCommandLine', () => {
  const cases: [string, string[]][] = [
    ['ls /', ['ls', '/']],
    ['  ls   /a  ', ['ls', '/a']],
    ['ls\t/a', ['ls', '/a']],
    ['', []],
    ['   ', []],
    ['create /a "hello world"', ['create', '/a', 'hello world']],
    ['create /a \'say "hi"\'', ['create', '/a', 'say "hi"']],
    ['create /a ""', ['create', '/a', '']],
    // A quoted word ends at its quote, even without a space after it.
    ["create /a 'a b'c", ['create', '/a', 'a b', 'c']],
    // Quotes inside a word are kept; there are no escapes.
    ["create /a it's", ['create', '/a', "it's"]],
    ['create /a a\\ b', ['create', '/a', 'a\\', 'b']],
    // An unmatched quote is skipped.
    ['get "/p', ['get', '/p']],
    ['  "abc', ['"abc']],
    ['create /a "unterminated', ['create', '/a', 'unterminated']],
  ];
  for (const [line, words] of cases) {
    void it(JSON.stringify(line), () => assert.deepEqual(splitCommandLine(line), words));
  }
});

void describe('shell: parseOptions', () => {
  const spec: OptionSpec = { flags: 'sw', valued: 'v' };
  const parse = (words: string[]) => {
    const result = parseOptions(spec, words);
    if (!result.ok) return result.error;
    const { flags, values, args } = result.parsed;
    return { flags: [...flags].sort().join(''), values: Object.fromEntries(values), args };
  };

  void it('takes flags and values anywhere among the arguments', () => {
    assert.deepEqual(parse(['/a', '-s', 'data', '-v', '3']), {
      flags: 's',
      values: { v: '3' },
      args: ['/a', 'data'],
    });
  });
  void it('combines flags and attaches values', () => {
    assert.deepEqual(parse(['-sw', '-v5', '/a']), {
      flags: 'sw',
      values: { v: '5' },
      args: ['/a'],
    });
    assert.deepEqual(parse(['-wv', '7', '/a']), { flags: 'w', values: { v: '7' }, args: ['/a'] });
  });
  void it('takes a negative number as a value, not as an option', () => {
    assert.deepEqual(parse(['-v', '-1', '/a']), { flags: '', values: { v: '-1' }, args: ['/a'] });
  });
  void it("ends options at '--' and keeps '-' as an argument", () => {
    assert.deepEqual(parse(['--', '-s', '-']), { flags: '', values: {}, args: ['-s', '-'] });
    assert.deepEqual(parse(['-']), { flags: '', values: {}, args: ['-'] });
  });
  void it('refuses unknown options as commons-cli words it', () => {
    assert.equal(parse(['-x', '/a']), 'Unrecognized option: -x');
    assert.equal(parse(['/a', '-1']), 'Unrecognized option: -1');
    assert.equal(parse(['-sx']), 'Unrecognized option: -sx');
    assert.equal(parse(['--long']), 'Unrecognized option: --long');
  });
  void it('needs a value for a valued option', () => {
    assert.equal(parse(['/a', '-v']), 'Missing argument for option: v');
    assert.equal(parse(['-v', '-s', '/a']), 'Missing argument for option: v');
  });
  void it('takes every word as it is for raw commands', () => {
    const raw = parseOptions({ flags: '', valued: '', raw: true }, ['-1', '--', '-x']);
    assert.ok(raw.ok);
    assert.deepEqual(raw.parsed.args, ['-1', '--', '-x']);
  });
});

void describe('shell: numbers as Java reads them', () => {
  void it('parses ints and longs with their ranges', () => {
    assert.equal(parseJavaInteger('42', 32), 42n);
    assert.equal(parseJavaInteger('+7', 32), 7n);
    assert.equal(parseJavaInteger('-1', 32), -1n);
    assert.equal(parseJavaInteger('2147483647', 32), 2147483647n);
    assert.equal(parseJavaInteger('2147483648', 32), undefined);
    assert.equal(parseJavaInteger('2147483648', 64), 2147483648n);
    for (const bad of ['', 'abc', '1.5', ' 1', '0x10']) {
      assert.equal(parseJavaInteger(bad, 64), undefined, bad);
    }
  });
  void it('decodes redo numbers like Integer.decode', () => {
    assert.equal(decodeJavaInteger('12'), 12);
    assert.equal(decodeJavaInteger('0x10'), 16);
    assert.equal(decodeJavaInteger('#10'), 16);
    assert.equal(decodeJavaInteger('010'), 8);
    assert.equal(decodeJavaInteger('0'), 0);
    assert.equal(decodeJavaInteger('-3'), -3);
    assert.equal(decodeJavaInteger('x'), undefined);
  });
});

void describe('shell: parseAcl', () => {
  void it('reads scheme:id:perms lists, with colons inside the id', () => {
    assert.deepEqual(parseAcl('world:anyone:cdrwa,digest:u:hash=:r'), {
      acl: [
        { id: { scheme: 'world', id: 'anyone' }, perms: 31 },
        { id: { scheme: 'digest', id: 'u:hash=' }, perms: 1 },
      ],
      warnings: [],
    });
  });
  void it('skips malformed entries and letters with zkCli warnings', () => {
    assert.deepEqual(parseAcl('world:anyone,ip:1.2.3.4:rx'), {
      acl: [{ id: { scheme: 'ip', id: '1.2.3.4' }, perms: 1 }],
      warnings: ['world:anyone does not have the form scheme:id:perm', 'Unknown perm type: x'],
    });
  });
  void it('splits like Java: trailing empty entries go, a lone empty one stays', () => {
    assert.equal(parseAcl('world:anyone:r,,').acl.length, 1);
    assert.deepEqual(parseAcl('').warnings, [' does not have the form scheme:id:perm']);
    assert.deepEqual(parseAcl(','), { acl: [], warnings: [] });
  });
});

void describe('shell: operands of meerkat shell', () => {
  const split = (operands: string[], argv: string[]) =>
    shellOperands(operands, ['node', 'main.js', 'shell', ...argv], 'default:2181');
  void it('takes the first operand as the connect string', () => {
    assert.deepEqual(split([], []), { connectString: 'default:2181', command: [] });
    assert.deepEqual(split(['h:1'], ['h:1']), { connectString: 'h:1', command: [] });
    assert.deepEqual(split(['h:1', 'ls', '/'], ['h:1', 'ls', '/']), {
      connectString: 'h:1',
      command: ['ls', '/'],
    });
  });
  void it("knows whether the connect string came before '--'", () => {
    const argv = ['h:1', '--', 'ls', '-R', '/'];
    assert.deepEqual(split(['h:1', 'ls', '-R', '/'], argv), {
      connectString: 'h:1',
      command: ['ls', '-R', '/'],
    });
    assert.deepEqual(split(['ls', '-R', '/'], ['--', 'ls', '-R', '/']), {
      connectString: 'default:2181',
      command: ['ls', '-R', '/'],
    });
  });
});
