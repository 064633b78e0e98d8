// java.util.Properties syntax, as far as zoo.cfg files use it: `key=value`, `key: value` or
// `key value`, `#`/`!` comments, backslash line continuations and escapes.
const escapes: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(value: string): string {
  return value.replace(/\\(u[0-9a-fA-F]{4}|[\s\S])/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (escapes[c] ?? c),
  );
}

function continues(line: string): boolean {
  let slashes = 0;
  while (line.charAt(line.length - 1 - slashes) === '\\') slashes++;
  return slashes % 2 === 1;
}

/** Entries of a .properties text in file order, duplicates kept, values trimmed. */
export function parseProperties(text: string): Array<readonly [string, string]> {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: Array<readonly [string, string]> = [];
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (continues(line)) {
      line = line.slice(0, -1) + (lines[i + 1] ?? '').trimStart();
      if (++i >= lines.length) break;
    }
    const sep = /[=:\s]/.exec(line);
    let value = sep === null ? '' : line.slice(sep.index + 1).trimStart();
    if (sep !== null && /\s/.test(sep[0]) && /^[=:]/.test(value)) value = value.slice(1);
    entries.push([sep === null ? line : line.slice(0, sep.index), unescape(value.trim()).trim()]);
  }
  return entries;
}
