import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommanderError, InvalidArgumentError } from 'commander';
import { CliError, UsageError } from './errors.js';
import { report } from './main.js';
import { createProgram } from './program.js';

const COMMANDS = ['create', 'modify', 'ls', 'desc', 'w', 'dw', 'start', 'stop', 'delete', 'version', 'logs', 'events', 'predict', 'up', 'gateway', 'instance'];

void test('every command is there, described, and shows an example of itself in --help', () => {
  const program = createProgram();
  const names = program.commands.map((c) => c.name());
  for (const name of COMMANDS) {
    const command = program.commands.find((c) => c.name() === name);
    assert.ok(command !== undefined, `missing command ${name} (have ${names.join(', ')})`);
    assert.ok(command.description().length > 10, `${name} has no description`);
    let help = '';
    command.configureOutput({ writeOut: (s) => (help += s) });
    command.outputHelp();
    assert.match(help, new RegExp(`Examples:\\n {2}\\$ easel ${name}\\b`), `${name} --help shows no example`);
  }
});

void test('EASCMD names work as aliases', () => {
  const program = createProgram();
  const aliases = Object.fromEntries(program.commands.map((c) => [c.name(), c.aliases()]));
  assert.deepEqual(aliases.ls, ['list']);
  assert.deepEqual(aliases.w, ['showworkers']);
  assert.deepEqual(aliases.dw, ['deleteworkers']);
});

void test('errors become exit codes: 0 for help and version, 2 for usage, 1 for failures', () => {
  const lines: string[] = [];
  const write = (l: string): void => {
    lines.push(l);
  };
  assert.equal(report(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), write), 0);
  assert.equal(report(new CommanderError(0, 'commander.version', '1.0.0'), write), 0);
  assert.equal(report(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'"), write), 2);
  assert.equal(report(new InvalidArgumentError('expected a port'), write), 2);
  assert.deepEqual(lines, [], 'commander prints its own messages');

  assert.equal(report(new UsageError('pass -y', { hint: 'easel delete x -y' }), write), 2);
  assert.equal(report(new CliError('failed'), write), 1);
  assert.equal(report(new Error('another easel control plane is running'), write), 1);
  assert.deepEqual(lines, ['error: pass -y', 'hint: easel delete x -y', 'error: failed', 'error: another easel control plane is running']);
});
