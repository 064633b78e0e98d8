// Option parsing for shell commands, with the rules of the commons-cli DefaultParser that
// zkCli uses: single-letter options anywhere among the arguments, flags may be combined
// (`-sw`), a value may be attached (`-v5`) or follow (`-v 5`, also `-v -1`), `--` ends the
// options, and any other word starting with `-` is an error (so `set /a -1` fails as in zkCli).
import { assert } from '../../core/assert.ts';

export interface OptionSpec {
  /** Letters of options without a value, e.g. 'swR'. */
  readonly flags: string;
  /** Letters of options that take a value, e.g. 'v'. */
  readonly valued: string;
  /** No option parsing at all: every word is an argument (zkCli's redo, connect...). */
  readonly raw?: boolean;
}

export interface ParsedArgs {
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
  /** Positional arguments, in order. */
  readonly args: readonly string[];
}

export type ParseResult =
  | { readonly ok: true; readonly parsed: ParsedArgs }
  | { readonly ok: false; readonly error: string };

const negativeNumber = /^-\d+(\.\d+)?$/;

function isKnown(spec: OptionSpec, letter: string | undefined): boolean {
  return letter !== undefined && (spec.flags.includes(letter) || spec.valued.includes(letter));
}

/** Whether `word` would be read as an option (commons-cli looks at its first letter only). */
function looksLikeOption(spec: OptionSpec, word: string): boolean {
  return word.length > 1 && word.startsWith('-') && word !== '--' && isKnown(spec, word[1]);
}

class Collector {
  readonly flags = new Set<string>();
  readonly values = new Map<string, string>();
  readonly args: string[] = [];
  pending: string | undefined;
}

/** One `-xyz` word: flags, then at most one valued option taking the rest (or the next word). */
function takeOptionWord(spec: OptionSpec, word: string, into: Collector): string | undefined {
  assert(word.length > 1 && word.startsWith('-') && word !== '--', 'an option word');
  const letters = word.slice(1);
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i] ?? '';
    if (spec.valued.includes(letter)) {
      const rest = letters.slice(i + 1);
      if (rest === '') into.pending = letter;
      else into.values.set(letter, rest);
      return undefined;
    }
    if (!spec.flags.includes(letter)) return `Unrecognized option: ${word}`;
    into.flags.add(letter);
  }
  return undefined;
}

/** Parses the words after the command name. */
export function parseOptions(spec: OptionSpec, words: readonly string[]): ParseResult {
  const into = new Collector();
  let optionsEnded = spec.raw === true;
  for (const word of words) {
    if (into.pending !== undefined) {
      if (looksLikeOption(spec, word) && !negativeNumber.test(word)) break;
      into.values.set(into.pending, word);
      into.pending = undefined;
      continue;
    }
    if (optionsEnded || word === '-' || !word.startsWith('-')) {
      into.args.push(word);
    } else if (word === '--') {
      optionsEnded = true;
    } else {
      const error = takeOptionWord(spec, word, into);
      if (error !== undefined) return { ok: false, error };
    }
  }
  if (into.pending !== undefined) {
    return { ok: false, error: `Missing argument for option: ${into.pending}` };
  }
  return { ok: true, parsed: { flags: into.flags, values: into.values, args: into.args } };
}
