import { parseCommandLine, cleanParseError } from './args';
import { COMMANDS } from './commands';
import { UsageError } from './errors';

const parse = (...argv: string[]) => parseCommandLine(argv, COMMANDS);
const usageError = (argv: string[]): UsageError => {
  try {
    parse(...argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};
const UUID = '0b7c2a52-4f0e-4b7f-9c1e-8d2f3a4b5c6d';

describe('parseCommandLine', () => {
  it('finds the command and its options', () => {
    const p = parse('project', 'create', '--name', 'Acme');
    expect(p).toMatchObject({ kind: 'run', json: false, values: { name: 'Acme' } });
    expect(p.kind === 'run' && p.command.words).toEqual(['project', 'create']);
  });

  it('accepts --json before, between or after the command words, and --opt=value', () => {
    for (const argv of [
      ['--json', 'credentials', 'list', '--project', UUID],
      ['credentials', '--json', 'list', '--project', UUID],
      ['credentials', 'list', `--project=${UUID}`, '--json'],
    ]) {
      const p = parse(...argv);
      expect(p).toMatchObject({ kind: 'run', json: true, values: { project: UUID } });
      expect(p.kind === 'run' && 'json' in p.values).toBe(false);
    }
  });

  it('keeps a value that looks like a flag only in --opt=value form', () => {
    expect(parse('project', 'create', '--name=--json')).toMatchObject({ values: { name: '--json' }, json: false });
    expect(usageError(['project', 'create', '--name', '--json']).message).toBe('option --name needs a value');
  });

  it('answers help for nothing, --help, help and <command> --help', () => {
    expect(parse()).toEqual({ kind: 'help', topic: [], json: false });
    expect(parse('--help')).toEqual({ kind: 'help', topic: [], json: false });
    expect(parse('-h', '--json')).toEqual({ kind: 'help', topic: [], json: true });
    expect(parse('help', 'credentials')).toEqual({ kind: 'help', topic: ['credentials'], json: false });
    expect(parse('help', 'keys', 'rotate')).toEqual({ kind: 'help', topic: ['keys', 'rotate'], json: false });
    expect(parse('project', '--help')).toEqual({ kind: 'help', topic: ['project'], json: false });
    expect(parse('project', 'create', '--help')).toEqual({ kind: 'help', topic: ['project', 'create'], json: false });
  });

  it.each([
    [['frob'], 'unknown command "frob"'],
    [['project'], '"project" needs an action: create, list, assign'],
    [['project', 'delete'], 'unknown command "project delete" (project actions: create, list, assign)'],
    [['project', 'create'], 'missing --name <name>'],
    [['project', 'list', '--bogus'], 'unknown option --bogus'],
    [['project', 'list', 'extra'], 'unexpected argument "extra"'],
    [['project', 'create', '--name'], 'option --name needs a value'],
    [['credentials', 'list', '--project', 'nope'], '--project must be a UUID, got "nope"'],
    [['credentials', 'revoke', '--client-id', '123'], '--client-id must be a UUID, got "123"'],
    [['help', 'frob'], 'unknown command "frob"'],
    [['--verbose'], 'unknown option --verbose'],
  ])('refuses %j: %s', (argv, message) => {
    expect(usageError(argv).message).toBe(message);
  });

  it('names the help topic of a usage error', () => {
    expect(usageError(['project', 'create']).topic).toBe('project create');
    expect(usageError(['project']).topic).toBe('project');
    expect(usageError(['frob']).topic).toBeUndefined();
  });
});

describe('cleanParseError', () => {
  it('keeps the first sentence of unknown messages', () => {
    expect(cleanParseError('Something odd. More detail')).toBe('Something odd');
  });
});
