// A renderer for the subset of Helm's template language that helm/tradewind uses, so the chart can be
// rendered and checked where no `helm` binary exists (CI has none). It follows Go's text/template rules
// where the chart depends on them: whitespace trimming (`{{-`, `-}}`), pipelines (`a | b c` calls
// `b c a`), variables scoped to their block, `$` as the data of the current template, sorted map
// iteration, niladic functions as arguments, short-circuit `and`/`or`, Go truthiness, and Helm's
// `missingkey=zero` (a missing map key is nil, printed as nothing). The functions are Helm's and sprig's
// of the same name; an unknown function or a syntax error throws, naming the template.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

type Value = unknown;
type Fn = (...args: Value[]) => Value;

// ---- lexing -------------------------------------------------------------------------------------------

type Piece = { kind: 'text'; text: string } | { kind: 'action'; body: string; line: number };

function lex(source: string, name: string): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (source.startsWith('- ', start) || source.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    pieces.push({ kind: 'text', text });
    const close = findClose(source, start, name);
    let end = close;
    if (source[close - 1] === '-' && /\s/.test(source[close - 2] ?? '')) {
      trimNext = true;
      end = close - 1;
    }
    const line = source.slice(0, open).split('\n').length;
    pieces.push({ kind: 'action', body: source.slice(start, end).trim(), line });
    pos = close + 2;
  }
  return pieces;
}

/** The `}}` closing an action that starts at `from`, skipping strings and comments. */
function findClose(source: string, from: number, name: string): number {
  let i = from;
  while (i < source.length) {
    const c = source[i];
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end === -1) break;
      i = end + 2;
    } else if (c === '"' || c === '`') {
      i += 1;
      while (i < source.length && source[i] !== c) i += c === '"' && source[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (source.startsWith('}}', i)) {
      return i;
    } else {
      i += 1;
    }
  }
  throw new Error(`${name}: unclosed action at offset ${from}`);
}

// ---- expressions --------------------------------------------------------------------------------------

type Node =
  | { type: 'literal'; value: Value }
  | { type: 'field'; receiver: Node | undefined; names: string[] } // .A.B, $x.A, (expr).A
  | { type: 'variable'; name: string; names: string[] }
  | { type: 'identifier'; name: string } // a function name
  | { type: 'pipeline'; decl: string[]; assign: boolean; commands: Node[][] };

interface Token {
  kind: 'string' | 'number' | 'field' | 'variable' | 'identifier' | 'punct';
  text: string;
  /** Whitespace before it: `(x).A` chains a field, `(x) .A` is another operand. */
  spaced: boolean;
}

function tokenize(body: string, where: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  while (i < body.length) {
    const rest = body.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      spaced = true;
      continue;
    }
    const match =
      /^"(?:[^"\\]|\\.)*"/.exec(rest) ??
      /^`[^`]*`/.exec(rest) ??
      /^-?\d+(?:\.\d+)?/.exec(rest) ??
      /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest) ??
      /^\./.exec(rest) ??
      /^\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest) ??
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ??
      /^(?::=|[()|,=])/.exec(rest);
    if (!match) throw new Error(`${where}: cannot read "${rest}"`);
    const text = match[0];
    const kind: Token['kind'] =
      text.startsWith('"') || text.startsWith('`')
        ? 'string'
        : /^-?\d/.test(text)
          ? 'number'
          : text.startsWith('.')
            ? 'field'
            : text.startsWith('$')
              ? 'variable'
              : /^[A-Za-z_]/.test(text)
                ? 'identifier'
                : 'punct';
    tokens.push({ kind, text, spaced });
    spaced = false;
    i += text.length;
  }
  return tokens;
}

class ExpressionParser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly where: string,
  ) {}

  static parse(body: string, where: string, allowDecl = true): Node & { type: 'pipeline' } {
    const parser = new ExpressionParser(tokenize(body, where), where);
    const pipeline = parser.pipeline(allowDecl);
    if (parser.pos < parser.tokens.length) throw new Error(`${where}: unexpected "${parser.peek()?.text}"`);
    return pipeline;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private pipeline(allowDecl: boolean): Node & { type: 'pipeline' } {
    const decl: string[] = [];
    let assign = false;
    if (allowDecl && this.peek()?.kind === 'variable') {
      // `$x :=`, `$x =`, `$k, $v :=`
      let look = 0;
      const names: string[] = [];
      while (this.peek(look)?.kind === 'variable') {
        names.push(this.peek(look)!.text);
        if (this.peek(look + 1)?.text === ',') look += 2;
        else break;
      }
      const op = this.peek(look + 1)?.text;
      if (op === ':=' || op === '=') {
        decl.push(...names);
        assign = op === '=';
        this.pos += look + 2;
      }
    }
    const commands: Node[][] = [this.command()];
    while (this.peek()?.text === '|') {
      this.pos += 1;
      commands.push(this.command());
    }
    return { type: 'pipeline', decl, assign, commands };
  }

  private command(): Node[] {
    const operands: Node[] = [];
    while (this.pos < this.tokens.length && !['|', ')'].includes(this.peek()!.text))
      operands.push(this.operand());
    if (operands.length === 0) throw new Error(`${this.where}: empty command`);
    return operands;
  }

  private operand(): Node {
    const token = this.tokens[this.pos++];
    let node: Node;
    switch (token.kind) {
      case 'string':
        node = {
          type: 'literal',
          value: token.text.startsWith('`') ? token.text.slice(1, -1) : (JSON.parse(token.text) as string),
        };
        break;
      case 'number':
        node = { type: 'literal', value: Number(token.text) };
        break;
      case 'field':
        node = {
          type: 'field',
          receiver: undefined,
          names: token.text === '.' ? [] : token.text.slice(1).split('.'),
        };
        break;
      case 'variable': {
        const [name, ...names] = token.text.split('.');
        node = { type: 'variable', name, names };
        break;
      }
      case 'identifier':
        node =
          token.text === 'true' || token.text === 'false'
            ? { type: 'literal', value: token.text === 'true' }
            : token.text === 'nil'
              ? { type: 'literal', value: null }
              : { type: 'identifier', name: token.text };
        break;
      case 'punct':
        if (token.text !== '(') throw new Error(`${this.where}: unexpected "${token.text}"`);
        node = this.pipeline(false);
        if (this.tokens[this.pos++]?.text !== ')') throw new Error(`${this.where}: missing ")"`);
        break;
    }
    // (expr).Field
    while (this.peek()?.kind === 'field' && this.peek()!.text !== '.' && this.isAdjacentField()) {
      node = { type: 'field', receiver: node, names: this.tokens[this.pos++].text.slice(1).split('.') };
    }
    return node;
  }

  // A field right after `)` chains on the parenthesised value; elsewhere it is a new operand.
  private isAdjacentField(): boolean {
    return this.tokens[this.pos - 1]?.text === ')' && !this.peek()!.spaced;
  }
}

// ---- template tree ------------------------------------------------------------------------------------

type Block =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipe: Node & { type: 'pipeline' }; where: string }
  | {
      kind: 'if' | 'with';
      branches: { pipe: Node & { type: 'pipeline' }; body: Block[] }[];
      otherwise: Block[];
      where: string;
    }
  | { kind: 'range'; pipe: Node & { type: 'pipeline' }; body: Block[]; otherwise: Block[]; where: string }
  | { kind: 'template'; name: string; pipe: (Node & { type: 'pipeline' }) | undefined; where: string };

interface ParsedTemplate {
  body: Block[];
  defines: Map<string, Block[]>;
}

function parseTemplate(source: string, name: string): ParsedTemplate {
  const pieces = lex(source, name);
  const defines = new Map<string, Block[]>();
  let index = 0;

  const parseList = (terminators: string[]): { blocks: Block[]; end: string } => {
    const blocks: Block[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++];
      if (piece.kind === 'text') {
        if (piece.text !== '') blocks.push({ kind: 'text', text: piece.text });
        continue;
      }
      const where = `${name}:${piece.line}`;
      const body = piece.body;
      if (body.startsWith('/*')) continue;
      const keyword = /^(if|else if|else with|else|end|range|with|define|template|include|block)\b/.exec(
        body,
      )?.[1];
      if (keyword === 'end' || keyword === 'else' || keyword === 'else if' || keyword === 'else with') {
        if (!terminators.includes(keyword)) throw new Error(`${where}: unexpected {{${body}}}`);
        index -= 1;
        return { blocks, end: keyword };
      }
      if (keyword === 'if' || keyword === 'with') {
        const branches = [
          { pipe: ExpressionParser.parse(body.slice(keyword.length), where), body: [] as Block[] },
        ];
        let otherwise: Block[] = [];
        for (;;) {
          const inner = parseList(['end', 'else', 'else if', 'else with']);
          branches[branches.length - 1].body = inner.blocks;
          const closing = pieces[index++] as Piece & { kind: 'action' };
          if (inner.end === 'end') break;
          if (inner.end === 'else if' || inner.end === 'else with') {
            branches.push({
              pipe: ExpressionParser.parse(closing.body.replace(/^else (if|with)/, ''), where),
              body: [],
            });
            continue;
          }
          otherwise = parseList(['end']).blocks;
          index += 1;
          break;
        }
        blocks.push({ kind: keyword, branches, otherwise, where });
      } else if (keyword === 'range') {
        const pipe = ExpressionParser.parse(body.slice(5), where);
        const inner = parseList(['end', 'else']);
        index += 1;
        let otherwise: Block[] = [];
        if (inner.end === 'else') {
          otherwise = parseList(['end']).blocks;
          index += 1;
        }
        blocks.push({ kind: 'range', pipe, body: inner.blocks, otherwise, where });
      } else if (keyword === 'define') {
        const defined = /^define\s+"([^"]+)"$/.exec(body)?.[1];
        if (defined === undefined) throw new Error(`${where}: malformed define`);
        defines.set(defined, parseList(['end']).blocks);
        index += 1;
      } else if (keyword === 'template') {
        const m = /^template\s+"([^"]+)"\s*(.*)$/s.exec(body);
        if (!m) throw new Error(`${where}: malformed template`);
        blocks.push({
          kind: 'template',
          name: m[1],
          pipe: m[2] ? ExpressionParser.parse(m[2], where) : undefined,
          where,
        });
      } else if (keyword === 'block') {
        throw new Error(`${where}: {{block}} is not supported by this renderer`);
      } else {
        blocks.push({ kind: 'output', pipe: ExpressionParser.parse(body, where), where });
      }
    }
    if (terminators.length > 0) throw new Error(`${name}: missing {{end}}`);
    return { blocks, end: '' };
  };

  const { blocks } = parseList([]);
  return { body: blocks, defines };
}

// ---- evaluation ---------------------------------------------------------------------------------------

/** Go's truth: false, 0, nil, "" and empty collections are false. */
export function truthy(value: Value): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function isPlainObject(value: Value): value is Record<string, Value> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** fmt.Sprint of one value, as Go prints it into a template. */
function show(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(' ')}]`;
  if (isPlainObject(value))
    return `map[${Object.keys(value)
      .sort()
      .map((k) => `${k}:${show(value[k])}`)
      .join(' ')}]`;
  if (typeof value === 'bigint') return value.toString();
  return typeof value === 'symbol' ? value.toString() : '';
}

function goQuote(value: string): string {
  return JSON.stringify(value);
}

function sprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([%sdvq])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[i++];
    if (verb === 'q') return goQuote(show(arg));
    if (verb === 'd') return String(Math.trunc(Number(arg)));
    return show(arg);
  });
}

function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

class RenderError extends Error {}

interface Scope {
  vars: Map<string, Value>;
  parent: Scope | undefined;
}

export interface ChartFiles {
  /** Chart-relative path → content (symbolic links followed, .helmignore applied). */
  readonly files: ReadonlyMap<string, string>;
}

class Engine {
  private readonly defines = new Map<string, Block[]>();
  private readonly functions: Record<string, Fn>;
  private depth = 0;

  constructor(private readonly chartName: string) {
    this.functions = {
      include: (name, data) => this.include(String(name), data),
      toYaml: (v) =>
        v === null || v === undefined
          ? 'null'
          : YAML.stringify(v, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, ''),
      toJson: (v) => JSON.stringify(v),
      fromYaml: (v) => YAML.parse(String(v)) as Value,
      nindent: (n, s) => `\n${indent(Number(n), show(s))}`,
      indent: (n, s) => indent(Number(n), show(s)),
      quote: (...vs) =>
        vs
          .filter((v) => v !== null && v !== undefined)
          .map((v) => goQuote(show(v)))
          .join(' '),
      squote: (...vs) =>
        vs
          .filter((v) => v !== null && v !== undefined)
          .map((v) => `'${show(v)}'`)
          .join(' '),
      default: (d, ...rest) => (rest.length === 0 || !truthy(rest[0]) ? d : rest[0]),
      empty: (v) => !truthy(v),
      coalesce: (...vs) => vs.find(truthy),
      ternary: (a, b, cond) => (truthy(cond) ? a : b),
      required: (message, v) => {
        if (v === null || v === undefined || v === '') throw new RenderError(String(message));
        return v;
      },
      fail: (message) => {
        throw new RenderError(String(message));
      },
      printf: (format, ...args) => sprintf(String(format), args),
      print: (...args) =>
        args
          .map(
            (a, i) =>
              (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + show(a),
          )
          .join(''),
      trunc: (n, s) => show(s).slice(0, Number(n)),
      trimSuffix: (suffix, s) =>
        show(s).endsWith(String(suffix)) ? show(s).slice(0, -String(suffix).length) : show(s),
      trimPrefix: (prefix, s) =>
        show(s).startsWith(String(prefix)) ? show(s).slice(String(prefix).length) : show(s),
      trim: (s) => show(s).trim(),
      replace: (from, to, s) => show(s).split(String(from)).join(String(to)),
      contains: (sub, s) => show(s).includes(String(sub)),
      hasPrefix: (prefix, s) => show(s).startsWith(String(prefix)),
      hasSuffix: (suffix, s) => show(s).endsWith(String(suffix)),
      lower: (s) => show(s).toLowerCase(),
      upper: (s) => show(s).toUpperCase(),
      base: (p) => path.posix.basename(show(p)),
      toString: (v: Value) => show(v),
      int: (v) => Math.trunc(Number(v)),
      sha256sum: (s) => createHash('sha256').update(show(s)).digest('hex'),
      b64enc: (s) => Buffer.from(show(s)).toString('base64'),
      eq: (a, ...bs) => bs.some((b) => a === b),
      ne: (a, b) => a !== b,
      lt: (a, b) => (a as number) < (b as number),
      le: (a, b) => (a as number) <= (b as number),
      gt: (a, b) => (a as number) > (b as number),
      ge: (a, b) => (a as number) >= (b as number),
      not: (v) => !truthy(v),
      len: (v) =>
        Array.isArray(v) || typeof v === 'string' ? v.length : isPlainObject(v) ? Object.keys(v).length : 0,
      dict: (...kv) => {
        const out: Record<string, Value> = {};
        for (let i = 0; i < kv.length; i += 2) out[show(kv[i])] = kv[i + 1];
        return out;
      },
      list: (...vs) => vs,
      has: (item, list) => Array.isArray(list) && list.includes(item),
      hasKey: (map, key) => isPlainObject(map) && Object.hasOwn(map, String(key)),
      keys: (...maps) => maps.flatMap((m) => (isPlainObject(m) ? Object.keys(m) : [])),
      get: (map, key) => (isPlainObject(map) ? map[String(key)] : undefined),
    };
  }

  addTemplate(name: string, parsed: ParsedTemplate): void {
    for (const [defined, body] of parsed.defines) this.defines.set(defined, body);
    this.defines.set(name, parsed.body);
  }

  include(name: string, data: Value): string {
    const body = this.defines.get(name);
    if (!body) throw new RenderError(`no template "${name}"`);
    if (++this.depth > 100) throw new RenderError(`template "${name}" recurses too deep`);
    try {
      return this.execute(body, data, { vars: new Map([['$', data]]), parent: undefined });
    } finally {
      this.depth -= 1;
    }
  }

  execute(blocks: Block[], dot: Value, scope: Scope): string {
    let out = '';
    for (const block of blocks) {
      switch (block.kind) {
        case 'text':
          out += block.text;
          break;
        case 'output': {
          const value = this.wrap(block.where, () => this.pipeline(block.pipe, dot, scope));
          if (block.pipe.decl.length === 0) out += show(value);
          break;
        }
        case 'if':
        case 'with': {
          let done = false;
          for (const branch of block.branches) {
            const inner: Scope = { vars: new Map(), parent: scope };
            const value = this.wrap(block.where, () => this.pipeline(branch.pipe, dot, inner));
            if (truthy(value)) {
              out += this.execute(branch.body, block.kind === 'with' ? value : dot, inner);
              done = true;
              break;
            }
          }
          if (!done) out += this.execute(block.otherwise, dot, { vars: new Map(), parent: scope });
          break;
        }
        case 'range': {
          const inner: Scope = { vars: new Map(), parent: scope };
          const { decl } = block.pipe;
          const value = this.wrap(block.where, () => this.pipeline({ ...block.pipe, decl: [] }, dot, inner));
          const entries: [Value, Value][] = Array.isArray(value)
            ? value.map((v, i) => [i, v])
            : isPlainObject(value)
              ? Object.keys(value)
                  .sort()
                  .map((k) => [k, value[k]])
              : typeof value === 'number'
                ? Array.from({ length: value }, (_, i) => [i, i])
                : [];
          if (entries.length === 0) {
            out += this.execute(block.otherwise, dot, { vars: new Map(), parent: scope });
            break;
          }
          for (const [key, element] of entries) {
            const iteration: Scope = { vars: new Map(), parent: inner };
            if (decl.length === 1) iteration.vars.set(decl[0], element);
            if (decl.length === 2) {
              iteration.vars.set(decl[0], key);
              iteration.vars.set(decl[1], element);
            }
            out += this.execute(block.body, element, iteration);
          }
          break;
        }
        case 'template': {
          const data = block.pipe
            ? this.wrap(block.where, () => this.pipeline(block.pipe!, dot, scope))
            : undefined;
          out += this.wrap(block.where, () => this.include(block.name, data));
          break;
        }
      }
    }
    return out;
  }

  private wrap<T>(where: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof RenderError && !error.message.startsWith('[')) {
        throw new RenderError(`[${where}] ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  private lookup(scope: Scope, name: string): Value {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
    throw new RenderError(`undefined variable ${name}`);
  }

  private pipeline(pipe: Node & { type: 'pipeline' }, dot: Value, scope: Scope): Value {
    let value: Value = undefined;
    pipe.commands.forEach((command, i) => {
      value = this.command(command, dot, scope, i === 0 ? [] : [value]);
    });
    if (pipe.decl.length > 0) {
      const name = pipe.decl[pipe.decl.length - 1];
      if (pipe.assign) {
        for (let s: Scope | undefined = scope; s; s = s.parent) {
          if (s.vars.has(name)) {
            s.vars.set(name, value);
            return value;
          }
        }
        throw new RenderError(`assignment to undeclared ${name}`);
      }
      // A declaration lives until the end of the enclosing block: the nearest scope.
      scope.vars.set(name, value);
    }
    return value;
  }

  private command(operands: Node[], dot: Value, scope: Scope, piped: Value[]): Value {
    const [head, ...rest] = operands;
    if (head.type === 'identifier') {
      const name = head.name;
      if (name === 'and' || name === 'or') {
        const args = [
          ...rest.map((node) => () => this.operand(node, dot, scope)),
          ...piped.map((v) => () => v),
        ];
        let last: Value = undefined;
        for (const arg of args) {
          last = arg();
          if (name === 'and' ? !truthy(last) : truthy(last)) return last;
        }
        return last;
      }
      const fn = this.functions[name];
      if (!fn) throw new RenderError(`function "${name}" not defined`);
      return fn(...rest.map((node) => this.operand(node, dot, scope)), ...piped);
    }
    const target = this.operand(head, dot, scope, true);
    if (typeof target === 'function') {
      return (target as Fn)(...rest.map((node) => this.operand(node, dot, scope)), ...piped);
    }
    if (rest.length > 0 || piped.length > 0)
      throw new RenderError(`cannot give arguments to a non-function value`);
    return target;
  }

  private operand(node: Node, dot: Value, scope: Scope, asHead = false): Value {
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'identifier': {
        const fn = this.functions[node.name];
        if (!fn) throw new RenderError(`function "${node.name}" not defined`);
        return fn(); // a niladic call, as Go does for a function name used as an argument
      }
      case 'pipeline':
        return this.pipeline(node, dot, scope);
      case 'variable':
        return this.fields(this.lookup(scope, node.name), node.names, node.name, asHead);
      case 'field': {
        const receiver = node.receiver ? this.operand(node.receiver, dot, scope) : dot;
        return this.fields(receiver, node.names, node.receiver ? '(...)' : '', asHead);
      }
    }
  }

  private fields(start: Value, names: string[], label: string, asHead: boolean): Value {
    let value = start;
    let shown = label;
    names.forEach((name, i) => {
      shown += `.${name}`;
      if (value === null || value === undefined) throw new RenderError(`nil pointer evaluating ${shown}`);
      if (!isPlainObject(value)) throw new RenderError(`cannot read ${shown} of a ${typeof value}`);
      const next = value[name];
      // A method (Files.Get) is called only at the head of a command, with the command's arguments.
      value = typeof next === 'function' && !(asHead && i === names.length - 1) ? (next as Fn)() : next;
    });
    return value;
  }
}

function indent(n: number, text: string): string {
  const pad = ' '.repeat(n);
  return pad + text.split('\n').join(`\n${pad}`);
}

// ---- charts -------------------------------------------------------------------------------------------

function readHelmignore(chartDir: string): RegExp[] {
  const file = path.join(chartDir, '.helmignore');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) =>
      pattern.endsWith('/')
        ? new RegExp(`^${globToRegExp(pattern.slice(0, -1)).source.slice(1, -1)}(/.*)?$`)
        : globToRegExp(pattern.includes('/') ? pattern : `**${pattern}`),
    );
}

/** Every file of the chart, by chart-relative path, following symbolic links as Helm's loader does. */
export function loadChartFiles(chartDir: string): Map<string, string> {
  const ignore = readHelmignore(chartDir);
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const entry of fs.readdirSync(dir)) {
      const full = path.join(dir, entry);
      const relPath = rel === '' ? entry : `${rel}/${entry}`;
      if (ignore.some((re) => re.test(relPath))) continue;
      const stat = fs.statSync(full); // follows links
      if (stat.isDirectory()) walk(full, relPath);
      else if (stat.isFile()) files.set(relPath, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(chartDir, '');
  return files;
}

function deepMerge(base: Value, override: Value): Value {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, Value> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // Helm: a null override deletes the key.
    if (value === null) delete out[key];
    else out[key] = deepMerge(base[key], value);
  }
  return out;
}

export interface RenderOptions {
  releaseName?: string;
  namespace?: string;
  /** Merged over values.yaml, as `-f` files are. */
  values?: Record<string, unknown>;
}

export interface RenderedChart {
  /** templates/<file> → rendered text (partials `_*` excluded), NOTES.txt included. */
  readonly templates: Map<string, string>;
  readonly values: Record<string, unknown>;
}

/** Renders helm/<chart> like `helm template`: values.yaml merged with options.values, every template file. */
export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedChart {
  const files = loadChartFiles(chartDir);
  const chart = YAML.parse(files.get('Chart.yaml') ?? '') as Record<string, string>;
  // Helm reads YAML as Kubernetes does (YAML 1.1 scalars).
  const values = deepMerge(
    YAML.parse(files.get('values.yaml') ?? '{}', { version: '1.1' }) ?? {},
    options.values ?? {},
  ) as Record<string, unknown>;
  const engine = new Engine(chart.name);
  const basePath = `${chart.name}/templates`;
  const templateFiles = [...files.keys()].filter((file) => file.startsWith('templates/')).sort();
  for (const file of templateFiles)
    engine.addTemplate(`${chart.name}/${file}`, parseTemplate(files.get(file)!, file));

  const filesObject = {
    Get: (name: Value) => files.get(String(name)) ?? '',
    Glob: (pattern: Value) => {
      const re = globToRegExp(String(pattern));
      return Object.fromEntries([...files.entries()].filter(([file]) => re.test(file)));
    },
  };
  const releaseName = options.releaseName ?? 'tradewind';
  const templates = new Map<string, string>();
  for (const file of templateFiles) {
    const name = path.posix.basename(file);
    if (name.startsWith('_')) continue;
    const root = {
      Values: values,
      Release: {
        Name: releaseName,
        Namespace: options.namespace ?? 'default',
        Service: 'Helm',
        IsInstall: true,
        IsUpgrade: false,
        Revision: 1,
      },
      Chart: {
        Name: chart.name,
        Version: chart.version,
        AppVersion: chart.appVersion,
        Description: chart.description,
      },
      Capabilities: { KubeVersion: { Version: 'v1.31.0', Major: '1', Minor: '31' } },
      Template: { Name: `${chart.name}/${file}`, BasePath: basePath },
      Files: filesObject,
    };
    try {
      templates.set(file, engine.include(`${chart.name}/${file}`, root));
    } catch (error) {
      if (error instanceof RenderError) throw new Error(`${file}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return { templates, values };
}

/** The Kubernetes objects of a rendered chart (NOTES.txt excluded), parsed as YAML 1.1 like the API server. */
export function manifestsOf(rendered: RenderedChart): { file: string; object: Record<string, unknown> }[] {
  const out: { file: string; object: Record<string, unknown> }[] = [];
  for (const [file, text] of rendered.templates) {
    if (file.endsWith('NOTES.txt')) continue;
    for (const doc of YAML.parseAllDocuments(text, { version: '1.1', uniqueKeys: true })) {
      if (doc.errors.length > 0)
        throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}\n${text}`);
      const object = doc.toJS() as unknown;
      if (object === null || object === undefined) continue;
      if (!isPlainObject(object)) throw new Error(`${file}: a document is not a mapping`);
      out.push({ file, object });
    }
  }
  return out;
}
