// The `easel` command line: global options and every command, grouped as `--help` shows them.
import { Command } from 'commander';
import { VERSION } from '../shared/version.js';
import { registerCreate } from './commands/create.js';
import { registerInspect } from './commands/inspect.js';
import { registerInstances } from './commands/instances.js';
import { registerLifecycle } from './commands/lifecycle.js';
import { registerModify } from './commands/modify.js';
import { registerPredict } from './commands/predict.js';
import { registerProcesses } from './commands/processes.js';
import { registerVersion } from './commands/version.js';

const ENVIRONMENT = `
Environment:
  EASEL_ENDPOINT  the control plane URL (like --endpoint)
  EASEL_HOME      the data folder (like --home; default ./.easel)
  EASEL_TOKEN     the admin token (default: read from <home>/admin.token)
  EASEL_GATEWAY   the gateway URL for \`predict\` and the create summary
  NO_COLOR        set to print no colours

The control plane is found at --endpoint, else $EASEL_ENDPOINT, else the one running with
<home> (from <home>/controlplane.lock), else http://127.0.0.1:8081.
`;

export function createProgram(): Command {
  const program = new Command('easel')
    .description('Elastic model serving: deploy models as online services, keep them healthy, scale and release them.')
    .version(VERSION, '-V, --version', 'print the easel version')
    .option('--endpoint <url>', 'the control plane URL')
    .option('--home <dir>', 'the data folder holding the admin token (default $EASEL_HOME or ./.easel)')
    .option('--json', 'print results as JSON, for scripts')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError('hint: add --help to see the usage')
    .exitOverride()
    .addHelpText('after', ENVIRONMENT);

  registerCreate(program);
  registerModify(program);
  registerInspect(program);
  registerLifecycle(program);
  registerVersion(program);
  registerPredict(program);
  registerInstances(program);
  registerProcesses(program);
  return program;
}
