import { Command } from 'commander';
import { APP_CATALOG } from '../serve/app-catalog';
import { registerServeCommand } from './serve.command';

describe('serve --help', () => {
  it('given the app catalog, then the help lists every app with what it runs, the lease-server role included', () => {
    const program = new Command();
    registerServeCommand(program);
    const serve = program.commands.find((command) => command.name() === 'serve') as Command;
    let help = '';
    serve.configureOutput({ writeOut: (text) => (help += text) });
    serve.outputHelp();
    expect(help).toContain('\nApps:\n');
    const listed = help.slice(help.indexOf('\nApps:\n'));
    for (const app of APP_CATALOG) expect(listed).toContain(`  ${app.name.padEnd(14)}${app.description}`);
    expect(listed).toMatch(/grpo .*GRPO_ROLE=leases/);
  });
});
