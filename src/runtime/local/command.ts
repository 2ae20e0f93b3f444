// What to run for an instance: a pure function of the launch request and where it runs.
import type { InstanceConfig } from '../../contract/index.js';
import type { LaunchRequest } from '../types.js';

export interface CommandPlan {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** For processor services: what to write to instance.json before starting. */
  instanceConfig: InstanceConfig | null;
}

export interface CommandContext {
  port: number;
  folder: string;
  configPath: string;
  instanceHostCommand: readonly [string, ...string[]];
  modelsDir: string;
  baseEnv: NodeJS.ProcessEnv;
}

/** The port a request asks for: only containers may name one (`containers[0].port`). */
export function requestedPort(req: LaunchRequest): number | undefined {
  return req.resolved.kind.kind === 'container' ? req.resolved.kind.port : undefined;
}

export function planCommand(req: LaunchRequest, ctx: CommandContext): CommandPlan {
  const container = req.spec.containers?.[0];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.baseEnv)) if (v !== undefined) env[k] = v;
  for (const { name, value } of container?.env ?? []) env[name] = value;
  env.PORT = String(ctx.port);
  env.EASEL_SERVICE = req.service;
  env.EASEL_INSTANCE = req.instance;
  env.EASEL_VERSION = String(req.version);

  if (req.resolved.kind.kind !== 'container') {
    const [file, ...leading] = ctx.instanceHostCommand;
    return {
      file,
      args: [...leading, 'instance', '--config', ctx.configPath],
      cwd: ctx.folder,
      env,
      instanceConfig: {
        service: req.service,
        instance: req.instance,
        version: req.version,
        host: '127.0.0.1',
        port: ctx.port,
        dir: ctx.folder,
        modelsDir: ctx.modelsDir,
        spec: req.spec,
      },
    };
  }

  if (container === undefined) throw new Error(`service "${req.service}" is a container service without containers[0]`);
  const cwd = container.working_dir ?? ctx.folder;
  const shell = (line: string): CommandPlan => ({ file: '/bin/sh', args: ['-c', line], cwd, env, instanceConfig: null });
  if (container.script !== undefined) return shell(container.script);
  const command = container.command;
  if (typeof command === 'string') return shell(command);
  const [file, ...args] = command ?? [];
  if (file === undefined) throw new Error(`containers[0] of service "${req.service}" has neither script nor command`);
  return { file, args, cwd, env, instanceConfig: null };
}
